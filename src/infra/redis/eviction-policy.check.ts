import { LoggerService } from '@nestjs/common';
import Redis from 'ioredis';
import { ConfigurationError } from '../config/environment';

/** Why Patchgate insists: an evicted key may be a queued job (a status report answered 202) or a lock. */
const WHY = 'Redis may then evict queued jobs and rate-limit counters; set maxmemory-policy noeviction';

/**
 * Refuses (production) or warns about (local mode) a Redis that may evict keys. Managed Redis often
 * disables CONFIG: then INFO memory tells; when neither answers, a warning says it could not be checked.
 */
export async function ensureNoEviction(redis: Redis, localMode: boolean, logger: LoggerService): Promise<void> {
  const policy = await evictionPolicy(redis);
  if (policy === null) {
    logger.warn(`could not read Redis's maxmemory-policy (CONFIG GET and INFO memory refused): make sure it is noeviction`);
    return;
  }
  if (policy === 'noeviction') return;
  const message = `Redis's maxmemory-policy is ${policy}: ${WHY}`;
  if (!localMode) throw new ConfigurationError([message]);
  logger.warn(message);
}

async function evictionPolicy(redis: Redis): Promise<string | null> {
  try {
    const [, value] = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (value) return value;
  } catch {
    // CONFIG renamed or disabled: try INFO
  }
  try {
    return /^maxmemory_policy:(\S+)/m.exec(await redis.info('memory'))?.[1] ?? null;
  } catch {
    return null;
  }
}
