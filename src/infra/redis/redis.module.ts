import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

export const REDIS = Symbol('REDIS');

/**
 * Opens a client on REDIS_URL for request paths: a command fails fast while Redis is away.
 * Auto-pipelining sends the commands of concurrent requests in one write: on the check-in path
 * socket writes, not Redis, are the cost.
 */
export function createRedisClient(config: AppConfig): Redis {
  return new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true });
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The shared Redis client for caches, rate limits and health (BullMQ keeps its own connections). */
@Global()
@Module({
  providers: [{ provide: REDIS, inject: [AppConfig], useFactory: (config: AppConfig) => createRedisClient(config) }, RedisCloser],
  exports: [REDIS],
})
export class RedisModule {}
