import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../../infra/redis/redis.module';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { CheckInRepository, ComputerContext } from './check-in.repository';

const TTL_SECONDS = 6 * 3600;

/**
 * A computer's group path and OS facts, cached in Redis under the versions they depend on (the
 * group tree and the computer), so an unchanged check-in needs no SQL to know what to compare.
 */
@Injectable()
export class ComputerContextCache {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly versions: OfferVersionsService,
    private readonly checkIns: CheckInRepository,
  ) {}

  async get(computerId: string): Promise<ComputerContext | null> {
    const key = this.versions.contextKey(computerId);
    // Versions first, then the database: a change that lands in between makes the next read miss.
    const [version, cached] = await Promise.all([this.versions.computerFactsVersion(computerId), this.redis.get(key)]);
    if (cached) {
      const entry = JSON.parse(cached) as { version: string; context: ComputerContext };
      if (entry.version === version) return entry.context;
    }
    const context = await this.checkIns.findComputerContext(computerId);
    if (context) await this.redis.set(key, JSON.stringify({ version, context }), 'EX', TTL_SECONDS);
    return context;
  }
}
