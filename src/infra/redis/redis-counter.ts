import Redis from 'ioredis';

/**
 * A counter kept in Redis, so that every process adds to one count and the API reads it when
 * scraped (the workers have no HTTP). Lost with Redis, where it starts again from 0, as a counter
 * may after a restart.
 */
export class RedisCounter {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async add(count = 1): Promise<void> {
    if (count > 0) await this.redis.incrby(this.key, count);
  }

  async read(): Promise<number> {
    return Number((await this.redis.get(this.key)) ?? 0);
  }
}
