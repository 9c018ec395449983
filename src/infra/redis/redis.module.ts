import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { CacheInvalidations } from './cache-invalidations';
import { ensureNoEviction } from './eviction-policy.check';

export const REDIS = Symbol('REDIS');

/**
 * Opens a client on REDIS_URL for request paths. A command fails at once while Redis is away (no
 * offline queue; a command caught by a dropped connection is retried once), so a request answers
 * 503 rather than hanging; the client reconnects by itself. Auto-pipelining sends the commands of
 * concurrent requests in one write: on the check-in path socket writes, not Redis, are the cost.
 */
export function createRedisClient(config: AppConfig): Redis {
  return new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true });
}

/** Resolves once the client is connected: without an offline queue, commands sent before would fail. */
function connected(redis: Redis): Promise<Redis> {
  if (redis.status === 'ready') return Promise.resolve(redis);
  return new Promise((resolve) => redis.once('ready', () => resolve(redis)));
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
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const logger = new Logger('Redis');
        const client = createRedisClient(config);
        // Once per outage, not once per reconnection attempt; ioredis reconnects by itself.
        let lastError = '';
        client.on('error', (error: Error) => error.message !== lastError && logger.warn(`Redis: ${(lastError = error.message)}`));
        client.on('ready', () => (lastError = ''));
        const redis = await connected(client);
        await ensureNoEviction(redis, config.localMode, logger);
        return redis;
      },
    },
    RedisCloser,
    CacheInvalidations,
  ],
  exports: [REDIS, CacheInvalidations],
})
export class RedisModule {}
