import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../../infra/config/app-config';
import { RedisCounter } from '../../../infra/redis/redis-counter';
import { REDIS } from '../../../infra/redis/redis.module';

/** Denied requests recorded one by one per client address and minute; the rest are counted. */
export const DENIALS_RECORDED_PER_IP_PER_MINUTE = 20;

/** What to do with one denied request. */
export type DenialDecision = 'record' | 'aggregate' | 'count';

/**
 * Bounds the audit rows that unauthenticated or forbidden requests cost (docs/security.md): per
 * client address and minute, the first DENIALS_RECORDED_PER_IP_PER_MINUTE denials are recorded,
 * the next one as a single aggregate row, and the rest only counted
 * (patchgate_audit_denials_suppressed_total). Counted in Redis, so the bound holds across API
 * processes; while Redis is away every denial is recorded, as before.
 */
@Injectable()
export class DenialThrottle {
  private readonly logger = new Logger(DenialThrottle.name);
  readonly suppressed: RedisCounter;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.suppressed = new RedisCounter(redis, `${config.redisPrefix}:metrics:audit-denials-suppressed`);
  }

  async decide(clientIp: string | null, now = Date.now()): Promise<DenialDecision> {
    const minute = Math.floor(now / 60_000);
    const key = `${this.config.redisPrefix}:audit-denials:${(clientIp ?? 'unknown').slice(0, 64)}:${minute}`;
    try {
      const [[, count]] = (await this.redis.multi().incr(key).expire(key, 120).exec()) as [[Error | null, number], unknown];
      if (count <= DENIALS_RECORDED_PER_IP_PER_MINUTE) return 'record';
      if (count === DENIALS_RECORDED_PER_IP_PER_MINUTE + 1) return 'aggregate';
      await this.suppressed.add();
      return 'count';
    } catch (err) {
      this.logger.warn({ err }, 'could not count a denied request; recording it');
      return 'record';
    }
  }
}
