import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../infra/config/app-config';
import { RedisCounter } from '../../infra/redis/redis-counter';
import { REDIS } from '../../infra/redis/redis.module';

/** Status events stored by every worker (patchgate_status_events_persisted_total). */
@Injectable()
export class PersistedEventsCounter extends RedisCounter {
  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    super(redis, `${config.redisPrefix}:metrics:status-events-persisted`);
  }
}
