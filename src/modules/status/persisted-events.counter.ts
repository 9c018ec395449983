import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../infra/config/app-config';
import { REDIS } from '../../infra/redis/redis.module';

/**
 * Status events stored by every worker, counted in Redis: workers run without HTTP, so the API
 * reads the shared count when it is scraped (patchgate_status_events_persisted_total). Lost with
 * Redis, where it starts again from 0, as a counter may after a restart.
 */
@Injectable()
export class PersistedEventsCounter {
  private readonly key: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.key = `${config.redisPrefix}:metrics:status-events-persisted`;
  }

  async add(count: number): Promise<void> {
    if (count > 0) await this.redis.incrby(this.key, count);
  }

  async read(): Promise<number> {
    return Number((await this.redis.get(this.key)) ?? 0);
  }
}
