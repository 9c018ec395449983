import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../infra/config/app-config';
import { CacheInvalidations, LocalCache } from '../../infra/redis/cache-invalidations';
import { REDIS } from '../../infra/redis/redis.module';
import { ComputerPrincipal } from '../../common/auth/computer-principal';

/**
 * Longer than the check-in interval, or every check-in would miss. Revoking forgets the entry; were
 * that lost to a Redis outage, the check-in still refuses the computer (its context is re-read under
 * the computer's version, which revoking bumps), and the entry ends with this TTL.
 */
const TTL_SECONDS = 24 * 3600;

/**
 * Token hash → computer, in Redis: every agent call authenticates, and the check-in hot path must
 * not need PostgreSQL for it. Revoking or moving a computer forgets its entry. Each API process also
 * keeps a short-lived copy of the entries it read (src/infra/redis/cache-invalidations.ts), so a
 * computer calling again soon needs no Redis either; forgetting publishes the key, which drops the
 * copies in every process.
 */
@Injectable()
export class ComputerTokenCache {
  private readonly prefix: string;
  private readonly copies: LocalCache<ComputerPrincipal>;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
    private readonly invalidations: CacheInvalidations,
  ) {
    this.prefix = `${config.redisPrefix}:computer-token`;
    this.copies = new LocalCache(invalidations, config.localCache.maxComputers);
  }

  async get(tokenHash: string): Promise<ComputerPrincipal | null> {
    const key = `${this.prefix}:${tokenHash}`;
    const copied = this.copies.get(key);
    if (copied) return copied;
    return this.invalidations.read(
      async () => {
        const cached = await this.redis.get(key);
        return cached ? (JSON.parse(cached) as ComputerPrincipal) : null;
      },
      (principal, read) => principal && this.copies.set(key, principal, read),
    );
  }

  async remember(tokenHash: string, principal: ComputerPrincipal): Promise<void> {
    await this.redis.set(`${this.prefix}:${tokenHash}`, JSON.stringify(principal), 'EX', TTL_SECONDS);
  }

  /** Deletes the entry and tells every process to drop its copy (one atomic MULTI). */
  async forget(tokenHash: string): Promise<void> {
    const key = `${this.prefix}:${tokenHash}`;
    try {
      await this.redis.multi().del(key).publish(this.invalidations.channel, key).exec();
    } finally {
      this.invalidations.invalidate([key]);
    }
  }
}
