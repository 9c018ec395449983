import { hash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
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

/**
 * The whole unchanged check-in in one round trip: the computer's cached context (if still valid for
 * the tree and computer versions it was stored under) and the versions of everything its offer
 * depends on, in the order keysFor() lists them. Reads the group keys named in the context, so it
 * needs a standalone Redis (as Patchgate's deployment has), not Redis Cluster.
 */
const OFFER_STATE = `
for i = 2, 5 do redis.call('set', KEYS[i], ARGV[1], 'NX') end
local raw = redis.call('get', KEYS[1])
if not raw then return {false} end
local tree = redis.call('get', KEYS[2])
local computer = redis.call('get', KEYS[3])
local entry = cjson.decode(raw)
if entry.version ~= tree .. '|' .. computer then return {false} end
local values = {raw, redis.call('get', KEYS[4]), tree, redis.call('get', KEYS[5]), computer}
for _, id in ipairs(entry.context.groupPath) do
  local key = ARGV[2] .. id
  redis.call('set', key, ARGV[1], 'NX')
  values[#values + 1] = redis.call('get', key)
end
return values`;

const NEXT_SEQ = `
redis.call('set', KEYS[1], ARGV[1], 'NX')
return redis.call('incr', KEYS[1])`;

/** The commands below, registered once per client so each call sends only the script's SHA. */
interface VersionCommands {
  pgReadOrSeed(numberOfKeys: number, ...keysThenSeed: string[]): Promise<string[]>;
  pgBump(numberOfKeys: number, ...keysThenSeed: string[]): Promise<number>;
  pgNextSeq(numberOfKeys: number, key: string, seed: string): Promise<number>;
  pgOfferState(numberOfKeys: number, ...keysThenArgs: string[]): Promise<(string | null)[]>;
}

export interface OfferVersion {
  /** The ETag of the computer's answer. */
  etag: string;
  /**
   * Digest of the versions every computer of the same group path shares (catalog, tree, settings,
   * the groups' approvals): the part of an offer computed once for all of them.
   */
  sharedKey: string;
}

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
  private readonly logger = new Logger(OfferVersionsService.name);
  private readonly prefix: string;
  private readonly commands: VersionCommands;
  /** Set while a bump lost to a Redis outage waits to be made good (invalidateAllWhenBack). */
  private recovering = false;

  constructor(
    @Inject(REDIS) redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.redisPrefix}:ver`;
    redis.defineCommand('pgReadOrSeed', { lua: READ_OR_SEED });
    redis.defineCommand('pgBump', { lua: BUMP });
    redis.defineCommand('pgNextSeq', { lua: NEXT_SEQ });
    redis.defineCommand('pgOfferState', { lua: OFFER_STATE });
    this.commands = redis as unknown as VersionCommands;
  }

  /** One round trip: the ETag of the computer's offer as things stand, and the key of its shared part. */
  async versionOf(dependencies: OfferDependencies): Promise<OfferVersion> {
    const keys = this.keysFor(dependencies);
    return this.digest(dependencies, await this.commands.pgReadOrSeed(keys.length, ...keys, seed()));
  }

  /**
   * One round trip for an unchanged check-in: the computer's context as cached under `contextKey`
   * (JSON `{version, context}`), if it is still valid, with the offer's version. Null when the
   * context must be loaded again; then versionOf() gives the version.
   */
  async offerState<T extends { groupPath: string[] }>(
    computerId: string,
    contextKey: string,
    extra: () => string[],
  ): Promise<{ context: T; version: OfferVersion } | null> {
    const keys = [contextKey, `${this.prefix}:tree`, `${this.prefix}:computer:${computerId}`, `${this.prefix}:catalog`, `${this.prefix}:settings`];
    const [raw, ...values] = await this.commands.pgOfferState(keys.length, ...keys, seed(), `${this.prefix}:group:`);
    if (!raw) return null;
    const { context } = JSON.parse(raw) as { context: T };
    return { context, version: this.digest({ computerId, groupPath: context.groupPath, extra: extra() }, values as string[]) };
  }

  private digest(dependencies: OfferDependencies, values: string[]): OfferVersion {
    const etag = hash('sha256', `${dependencies.computerId}${values.join('|')}${(dependencies.extra ?? []).join('|')}`, 'base64url');
    return {
      etag: `"${etag.slice(0, 27)}"`,
      // Only a changed offer needs it: an unchanged check-in (304) never computes it.
      get sharedKey() {
        // keysFor puts the computer's own version fourth; everything else is shared by its group path.
        const shared = [...values.slice(0, 3), ...values.slice(4), ...dependencies.groupPath].join('|');
        return hash('sha256', shared, 'base64url');
      },
    };
  }

  /** Where a computer's cached context lives; offerState() validates it. */
  contextKey(computerId: string): string {
    return `${this.prefix}:context:${computerId}`;
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
    return (await this.commands.pgReadOrSeed(keys.length, ...keys, seed())).join('|');
  }

  /** The next `seq` of a computer's signed answers: only grows, across restarts and Redis loss. */
  async nextSequence(computerId: string): Promise<number> {
    return Number(await this.commands.pgNextSeq(1, `${this.prefix}:seq:${computerId}`, seed()));
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
    if (!keys.length) return;
    try {
      await this.commands.pgBump(keys.length, ...keys, seed());
    } catch (error) {
      this.invalidateAllWhenBack();
      throw error;
    }
  }

  /**
   * A bump that failed (Redis unreachable) follows a change already committed in PostgreSQL: the
   * versions it should have moved would keep cached answers and ETags valid after Redis is back. So,
   * once Redis answers again, every cached offer is invalidated: the catalog and settings versions
   * are in every ETag and shared key, the tree version in every cached computer context.
   */
  private invalidateAllWhenBack(): void {
    if (this.recovering) return;
    this.recovering = true;
    const keys = [`${this.prefix}:catalog`, `${this.prefix}:tree`, `${this.prefix}:settings`];
    const attempt = (): void => {
      this.commands.pgBump(keys.length, ...keys, seed()).then(
        () => {
          this.recovering = false;
          this.logger.warn('Redis is back after a lost version bump: every cached offer was invalidated');
        },
        () => setTimeout(attempt, 1000).unref(),
      );
    };
    setTimeout(attempt, 1000).unref();
  }
}

/** Microseconds since the epoch: larger than any count of increments a key could have reached. */
function seed(): string {
  return String(Date.now() * 1000);
}
