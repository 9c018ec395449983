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

  constructor(@Inject(REDIS) private readonly redis: Redis, config: AppConfig) {
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

  /**
   * Counts a login attempt against the username and the client IP **before** the password is
   * checked: each count is one atomic increment in Redis, so of any number of parallel attempts
   * only as many as the limit allows get their password checked; the rest are refused with 429.
   * An attempt that is refused or does not get to a verdict takes its counts back.
   */
  async countLoginAttempt(username: string, ip: string | null): Promise<void> {
    const counted = await Promise.allSettled([this.loginByUser.consume(loginKey(username)), ip ? this.loginByIp.consume(ip) : Promise.resolve(null)]);
    const refused = counted.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (!refused.length) return;
    await Promise.all([
      counted[0].status === 'fulfilled' && this.uncount(this.loginByUser, loginKey(username)),
      ip && counted[1].status === 'fulfilled' && this.uncount(this.loginByIp, ip),
    ]);
    const limited = refused.filter((reason): reason is RateLimiterRes => reason instanceof RateLimiterRes);
    if (limited.length < refused.length) throw refusal(refused.find((reason) => !(reason instanceof RateLimiterRes)), '');
    throw new TooManyRequestsError('too many failed logins; try again later', Math.max(...limited.map((r) => r.msBeforeNext)));
  }

  /** A success does not count: clears the username's failures and takes back the IP's count. */
  async loginSucceeded(username: string, ip: string | null): Promise<void> {
    await Promise.all([this.loginByUser.delete(loginKey(username)), ip && this.uncount(this.loginByIp, ip)]);
  }

  /** The attempt ended without a verdict (hashing busy, a dependency failed): it does not count. */
  async loginUndecided(username: string, ip: string | null): Promise<void> {
    await Promise.all([this.uncount(this.loginByUser, loginKey(username)), ip && this.uncount(this.loginByIp, ip)]);
  }

  /**
   * Takes one count back, atomically, and only from a window that still exists: the library's
   * reward() would start a new window at -1 when the old one ended meanwhile, handing out a free
   * try. A window whose count drops to 0 is closed, so windows still open at the first failure.
   */
  private async uncount(limiter: RateLimiterRedis, key: string): Promise<void> {
    await this.redis.eval(UNCOUNT_SCRIPT, 1, limiter.getKey(key));
  }
}

const UNCOUNT_SCRIPT = `
local left = (tonumber(redis.call('get', KEYS[1]) or '0') or 0) - 1
if left > 0 then return redis.call('decr', KEYS[1]) end
redis.call('del', KEYS[1])
return 0`;

const loginKey = (username: string) => username.toLowerCase();

function refusal(rejection: unknown, message: string): Error {
  if (rejection instanceof RateLimiterRes) return new TooManyRequestsError(message, rejection.msBeforeNext);
  return rejection instanceof Error ? rejection : new Error(String(rejection));
}
