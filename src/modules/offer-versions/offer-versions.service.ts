import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../infra/config/app-config';
import { REDIS } from '../../infra/redis/redis.module';

/**
 * A key that does not exist yet (a new group, or a Redis that lost its data) starts at the current
 * time in microseconds rather than at 1, so a value can never repeat one handed out before the
 * loss: old ETags stop matching and sequence numbers keep growing.
 */
const READ_OR_SEED = `
local values = {}
for i, key in ipairs(KEYS) do
  redis.call('set', key, ARGV[1], 'NX')
  values[i] = redis.call('get', key)
end
return values`;

const BUMP = `
for _, key in ipairs(KEYS) do
  redis.call('set', key, ARGV[1], 'NX')
  redis.call('incr', key)
end
return #KEYS`;

const NEXT_SEQ = `
redis.call('set', KEYS[1], ARGV[1], 'NX')
return redis.call('incr', KEYS[1])`;

/** What a computer's offer depends on; each part has a version in Redis. */
export interface OfferDependencies {
  computerId: string;
  /** the computer's group and its ancestors, root first */
  groupPath: string[];
  /** anything else the answer depends on that the request carries (e.g. the installed list's digest) */
  extra?: string[];
}

/**
 * Versions of everything an offer depends on (the catalog, the group tree, the approvals of each
 * group, the computer's own reported state, settings), kept in Redis so every API process sees a
 * change at once. An offer's ETag is a digest of the versions read BEFORE it was computed; writers
 * bump AFTER they commit. So a check-in that raced a change carries the old versions and the next
 * check-in recomputes: a cached answer can be late by one check-in, never stuck.
 */
@Injectable()
export class OfferVersionsService {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.redisPrefix}:ver`;
  }

  /** One round trip: the ETag of the computer's offer as things stand. */
  async etagFor(dependencies: OfferDependencies): Promise<string> {
    const keys = this.keysFor(dependencies);
    const values = (await this.redis.eval(READ_OR_SEED, keys.length, ...keys, seed())) as string[];
    const digest = createHash('sha256')
      .update(dependencies.computerId)
      .update(values.join('|'))
      .update((dependencies.extra ?? []).join('|'))
      .digest('base64url');
    return `"${digest.slice(0, 27)}"`;
  }

  bumpCatalog(): Promise<void> {
    return this.bump([`${this.prefix}:catalog`]);
  }

  /** The tree changed shape (a group moved): every computer's group path may differ. */
  bumpGroupTree(): Promise<void> {
    return this.bump([`${this.prefix}:tree`]);
  }

  bumpGroups(groupIds: Iterable<string>): Promise<void> {
    return this.bump([...new Set(groupIds)].map((id) => `${this.prefix}:group:${id}`));
  }

  bumpComputers(computerIds: Iterable<string>): Promise<void> {
    return this.bump([...new Set(computerIds)].map((id) => `${this.prefix}:computer:${id}`));
  }

  bumpSettings(): Promise<void> {
    return this.bump([`${this.prefix}:settings`]);
  }

  /** The versions a cached copy of a computer's own facts (group path, OS) depends on, as one string. */
  async computerFactsVersion(computerId: string): Promise<string> {
    const keys = [`${this.prefix}:tree`, `${this.prefix}:computer:${computerId}`];
    return ((await this.redis.eval(READ_OR_SEED, keys.length, ...keys, seed())) as string[]).join('|');
  }

  /** The next `seq` of a computer's signed answers: only grows, across restarts and Redis loss. */
  async nextSequence(computerId: string): Promise<number> {
    return Number(await this.redis.eval(NEXT_SEQ, 1, `${this.prefix}:seq:${computerId}`, seed()));
  }

  private keysFor({ computerId, groupPath }: OfferDependencies): string[] {
    return [
      `${this.prefix}:catalog`,
      `${this.prefix}:tree`,
      `${this.prefix}:settings`,
      `${this.prefix}:computer:${computerId}`,
      ...groupPath.map((id) => `${this.prefix}:group:${id}`),
    ];
  }

  private async bump(keys: string[]): Promise<void> {
    if (keys.length) await this.redis.eval(BUMP, keys.length, ...keys, seed());
  }
}

/** Microseconds since the epoch: larger than any count of increments a key could have reached. */
function seed(): string {
  return String(Date.now() * 1000);
}
