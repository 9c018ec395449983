import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../infra/config/app-config';
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
 * not need PostgreSQL for it. Revoking or moving a computer forgets its entry.
 */
@Injectable()
export class ComputerTokenCache {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.redisPrefix}:computer-token`;
  }

  async get(tokenHash: string): Promise<ComputerPrincipal | null> {
    const cached = await this.redis.get(`${this.prefix}:${tokenHash}`);
    return cached ? (JSON.parse(cached) as ComputerPrincipal) : null;
  }

  async remember(tokenHash: string, principal: ComputerPrincipal): Promise<void> {
    await this.redis.set(`${this.prefix}:${tokenHash}`, JSON.stringify(principal), 'EX', TTL_SECONDS);
  }

  async forget(tokenHash: string): Promise<void> {
    await this.redis.del(`${this.prefix}:${tokenHash}`);
  }
}
