import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** 429 problem+json; the filter turns retryAfterSeconds into the Retry-After header. */
export class TooManyRequestsError extends DomainError {
  constructor(message: string, msBeforeNext: number) {
    super('too_many_requests', HttpStatus.TOO_MANY_REQUESTS, message, { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
  }
}

export type Limited = 'computer' | 'apiToken';

/**
 * Rate limits counted in Redis (rate-limiter-flexible), so every API process sees the same counts.
 * A consume is one script call, sent in the auto-pipeline with the request's other Redis commands;
 * a key over its limit is then also refused from memory until its window ends, so a flood from one
 * caller costs Redis nothing more.
 */
@Injectable()
export class RateLimits {
  private readonly perMinute: Record<Limited, RateLimiterRedis>;
  private readonly loginByUser: RateLimiterRedis;
  private readonly loginByIp: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    const limiter = (name: string, points: number, duration: number, inMemoryBlock: boolean) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.redisPrefix}:rl:${name}`,
        points,
        duration,
        inMemoryBlockOnConsumed: inMemoryBlock ? points + 1 : undefined,
        inMemoryBlockDuration: inMemoryBlock ? duration : undefined,
      });
    const { rateLimits: limits } = config;
    this.perMinute = {
      computer: limiter('computer', limits.computerPerMinute, 60, true),
      apiToken: limiter('api-token', limits.apiTokenPerMinute, 60, true),
    };
    // Failures only: the window opens at the first failure and the lock lasts as long as the window.
    this.loginByUser = limiter('login-user', limits.loginFailuresPerUser, limits.loginLockSeconds, false);
    this.loginByIp = limiter('login-ip', limits.loginFailuresPerIp, limits.loginLockSeconds, false);
  }

  /** Counts one request of `key`; throws TooManyRequestsError past the limit. */
  async consume(kind: Limited, key: string): Promise<void> {
    try {
      await this.perMinute[kind].consume(key);
    } catch (rejection) {
      throw refusal(rejection, 'too many requests; slow down');
    }
  }

  /** Before a password is checked: refuses a username or an IP that failed too often lately. */
  async assertLoginAllowed(username: string, ip: string | null): Promise<void> {
    const [byUser, byIp] = await Promise.all([this.loginByUser.get(loginKey(username)), ip ? this.loginByIp.get(ip) : null]);
    const locked = [byUser, byIp].filter((r): r is RateLimiterRes => r !== null && r.remainingPoints === 0);
    if (locked.length) {
      throw new TooManyRequestsError('too many failed logins; try again later', Math.max(...locked.map((r) => r.msBeforeNext)));
    }
  }

  async recordLoginFailure(username: string, ip: string | null): Promise<void> {
    await Promise.all([this.loginByUser.penalty(loginKey(username)), ip ? this.loginByIp.penalty(ip) : null]);
  }

  /** A success does not count, and clears the username's failures (not the IP's). */
  async recordLoginSuccess(username: string): Promise<void> {
    await this.loginByUser.delete(loginKey(username));
  }
}

const loginKey = (username: string) => username.toLowerCase();

function refusal(rejection: unknown, message: string): Error {
  if (rejection instanceof RateLimiterRes) return new TooManyRequestsError(message, rejection.msBeforeNext);
  return rejection instanceof Error ? rejection : new Error(String(rejection));
}
