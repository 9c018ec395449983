import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../infra/config/app-config';
import { RedisCounter } from '../../infra/redis/redis-counter';
import { REDIS } from '../../infra/redis/redis.module';

/** Failed download attempts of every worker, transfer errors and wrong bytes alike (patchgate_content_download_failures_total). */
@Injectable()
export class ContentFailuresCounter extends RedisCounter {
  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    super(redis, `${config.redisPrefix}:metrics:content-download-failures`);
  }
}
