import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../../infra/redis/redis.module';
import { CachedContextFields, OfferVersionsService } from '../offer-versions/offer-versions.service';
import { ComputerContext, OffersRepository } from './offers.repository';

const TTL_SECONDS = 6 * 3600;

/**
 * A computer's group path and OS facts, cached in Redis under the versions they depend on (the
 * group tree and the computer), so an unchanged check-in needs no SQL to know what to compare.
 * Stored as a hash whose `version` and `groups` fields the one-round-trip read of
 * src/modules/offer-versions/offer-versions.service.ts (OFFER_STATE) uses without parsing JSON.
 */
@Injectable()
export class ComputerContextCache {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly versions: OfferVersionsService,
    private readonly offers: OffersRepository,
  ) {}

  async get(computerId: string): Promise<ComputerContext | null> {
    const key = this.versions.contextKey(computerId);
    // Versions first, then the database: a change that lands in between makes the next read miss.
    const [version, [cachedVersion, cached]] = await Promise.all([this.versions.computerFactsVersion(computerId), this.redis.hmget(key, 'version', 'context')]);
    if (cached && cachedVersion === version) return JSON.parse(cached) as ComputerContext;
    const context = await this.offers.findComputerContext(computerId);
    if (context) {
      const fields: CachedContextFields = { version, groups: context.groupPath.join(' '), context: JSON.stringify(context) };
      await this.redis.multi().hset(key, fields).expire(key, TTL_SECONDS).exec();
    }
    return context;
  }

  /** The context as the one-round-trip read returned it (the `context` field). */
  static parse(raw: string): ComputerContext {
    return JSON.parse(raw) as ComputerContext;
  }
}
