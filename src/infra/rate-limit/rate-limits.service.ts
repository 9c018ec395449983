import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
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

/** A share of a key's budget for the current window, held by this process. */
interface Lease {
  /** requests this process may still let through without asking Redis */
  left: number;
  /** when the window ends (ms since the epoch); a refused key stays refused until then */
  until: number;
  refused: boolean;
  /** a lease being taken, which concurrent requests of the key wait for */
  pending?: Promise<void>;
}

/** Keys whose leases are held at most (a lease is a few numbers); the least recently used go first. */
const MAX_LEASES = 50_000;
/** A lease is at most this share of the limit, so unused leases of N processes cost little of it. */
const LEASE_SHARE = 64;

/**
 * Takes `ARGV[1]` requests from a key's window (`ARGV[2]` ms long, opened by the first take).
 * Returns {count after the take, ms until the window ends}.
 */
const LEASE_SCRIPT = `
local n = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl < 0 then
  redis.call('pexpire', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {n, ttl}`;

interface LeaseCommands {
  pgRateLease(numberOfKeys: number, key: string, take: number, windowMs: number): Promise<[number, number]>;
}

/**
 * Rate limits counted in Redis, so every API process sees the same counts. Per-minute limits
 * (computers, API tokens) are counted in leases: a process takes a share of a key's budget for the
 * window in one script call (1/64 of the limit, at least 1), then counts requests against it in
 * memory; only when the share is used up does it ask Redis again. So the limit holds across
 * processes (never more than the limit gets through in a window), an agent's request costs a Redis
 * command at most once per share, and a key is refused at the earliest after the limit minus the
 * shares other processes hold unused (with N processes, limit − N × limit/64). A refused key is
 * refused from memory until its window ends. Failed logins are counted one by one
 * (rate-limiter-flexible), since each count matters there.
 */
@Injectable()
export class RateLimits {
  private readonly perMinute: Record<Limited, { prefix: string; limit: number; share: number }>;
  private readonly leases = new LRUCache<string, Lease>({ max: MAX_LEASES });
  private readonly loginByUser: RateLimiterRedis;
  private readonly loginByIp: RateLimiterRedis;

  constructor(@Inject(REDIS) private readonly redis: Redis, config: AppConfig) {
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}:rl:${name}`, points, duration });
    const { rateLimits: limits } = config;
    const perMinute = (name: string, limit: number) => ({ prefix: `${config.redisPrefix}:rl:lease:${name}:`, limit, share: Math.max(1, Math.floor(limit / LEASE_SHARE)) });
    this.perMinute = {
      computer: perMinute('computer', limits.computerPerMinute),
      apiToken: perMinute('api-token', limits.apiTokenPerMinute),
    };
    redis.defineCommand('pgRateLease', { lua: LEASE_SCRIPT });
    // Failures only: the window opens at the first failure and the lock lasts as long as the window.
    this.loginByUser = limiter('login-user', limits.loginFailuresPerUser, limits.loginLockSeconds);
    this.loginByIp = limiter('login-ip', limits.loginFailuresPerIp, limits.loginLockSeconds);
  }

  /** Counts one request of `key`; throws TooManyRequestsError past the limit. */
  async consume(kind: Limited, key: string): Promise<void> {
    const { prefix } = this.perMinute[kind];
    const redisKey = prefix + key;
    for (;;) {
      const lease = this.leases.get(redisKey);
      if (lease?.pending) {
        await lease.pending;
        continue;
      }
      const now = Date.now();
      const current = lease && lease.until > now ? lease : undefined;
      if (current?.refused) throw new TooManyRequestsError('too many requests; slow down', current.until - now);
      if (current && current.left > 0) {
        current.left--;
        return;
      }
      await this.takeLease(kind, redisKey, current);
    }
  }

  /** Asks Redis for a share of the key's window; concurrent requests of the key wait for the same call. */
  private takeLease(kind: Limited, redisKey: string, current: Lease | undefined): Promise<void> {
    const { limit, share } = this.perMinute[kind];
    const lease: Lease = current ?? { left: 0, until: 0, refused: false };
    const pending = (this.redis as unknown as LeaseCommands).pgRateLease(1, redisKey, share, 60_000).then(
      ([count, ttl]) => {
        // What of this share is still under the limit (the rest was over it already).
        const granted = Math.max(0, Math.min(share, limit - (Number(count) - share)));
        lease.left = granted;
        lease.until = Date.now() + Math.max(1, Number(ttl));
        lease.refused = granted === 0;
        lease.pending = undefined;
        this.leases.set(redisKey, lease);
      },
      (error: unknown) => {
        lease.pending = undefined;
        throw error;
      },
    );
    lease.pending = pending;
    if (!current) this.leases.set(redisKey, lease);
    return pending;
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
