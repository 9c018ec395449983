import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../infra/config/app-config';
import { CacheInvalidations, LocalCache } from '../../infra/redis/cache-invalidations';
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

/** ARGV: the seed, the invalidation channel (src/infra/redis/cache-invalidations.ts). */
const BUMP = `
for _, key in ipairs(KEYS) do
  redis.call('set', key, ARGV[1], 'NX')
  redis.call('incr', key)
end
redis.call('publish', ARGV[2], table.concat(KEYS, ' '))
return #KEYS`;

/**
 * The whole unchanged check-in in one round trip. The computer's cached context is a hash (written
 * by src/modules/offers/computer-context.cache.ts) with three fields: `version` (the tree and computer
 * versions it was stored under, "tree|computer"), `groups` (its group path, ids separated by spaces,
 * root first) and `context` (JSON, opaque here: only TypeScript reads it).
 *
 * KEYS: the context hash, then the catalog, tree, settings and computer version keys.
 * ARGV: the seed for missing versions, the prefix of a group's version key.
 * Returns {context, {catalog, tree, settings, computer}, {one version per group of the path}, groups},
 * or {false} when the context is missing or stale (then it must be loaded and versions read again).
 * Reads the group keys named in the context, so it needs a standalone Redis (as Patchgate's
 * deployment has), not Redis Cluster.
 */
const OFFER_STATE = `
for i = 2, 5 do redis.call('set', KEYS[i], ARGV[1], 'NX') end
local cached = redis.call('hmget', KEYS[1], 'version', 'groups', 'context')
if not cached[3] then return {false} end
local tree = redis.call('get', KEYS[3])
local computer = redis.call('get', KEYS[5])
if cached[1] ~= tree .. '|' .. computer then return {false} end
local groups = {}
for id in string.gmatch(cached[2] or '', '%S+') do
  local key = ARGV[2] .. id
  redis.call('set', key, ARGV[1], 'NX')
  groups[#groups + 1] = redis.call('get', key)
end
return {cached[3], {redis.call('get', KEYS[2]), tree, redis.call('get', KEYS[4]), computer}, groups, cached[2] or ''}`;

const NEXT_SEQ = `
redis.call('set', KEYS[1], ARGV[1], 'NX')
return redis.call('incr', KEYS[1])`;

/** The commands below, registered once per client so each call sends only the script's SHA. */
interface VersionCommands {
  pgReadOrSeed(numberOfKeys: number, ...keysThenSeed: string[]): Promise<string[]>;
  pgBump(numberOfKeys: number, ...keysThenSeed: string[]): Promise<number>;
  pgNextSeq(numberOfKeys: number, key: string, seed: string): Promise<number>;
  pgOfferState(numberOfKeys: number, ...keysThenArgs: string[]): Promise<[string | null, string[]?, string[]?, string?]>;
}

/**
 * The versions of everything a computer's offer depends on, by name. Each is a counter in Redis that
 * writers bump after they commit a change of that kind.
 */
export interface OfferVersionParts {
  /** any update's metadata or global decline */
  catalog: string;
  /** the shape of the group tree (a group moved, made or deleted) */
  tree: string;
  /** the server settings (check-in interval, content mode) */
  settings: string;
  /** the computer's own facts, group membership and recorded install states */
  computer: string;
  /** the approvals of each group of the computer's path, root first */
  groups: string[];
}

/** What every computer of one group path shares: all parts but the computer's own. */
export type GroupVersionParts = Omit<OfferVersionParts, 'computer'>;

/** A computer's context with its parts, as the one-round-trip read (or this process's copy of it) gives them. */
export interface ContextWithParts<T> {
  context: T;
  parts: OfferVersionParts;
}

/** This process's copy of what OFFER_STATE said about one computer (the shared versions are copied apart). */
interface ComputerCopy {
  context: NonNullable<unknown>;
  /** the computer's version, and the tree version its context is valid for */
  computer: string;
  tree: string;
  groupIds: string[];
}

/** Shared version keys copied: the catalog, tree and settings, and one per group. */
const MAX_SHARED_COPIES = 10_000;

/** The field names of a computer's cached context hash (see OFFER_STATE). */
export interface CachedContextFields {
  version: string;
  groups: string;
  context: string;
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
  /** In-process copies of version keys (Redis key → value) and of computers' offer state (by computer key). */
  private readonly sharedCopies: LocalCache<string>;
  private readonly computerCopies: LocalCache<ComputerCopy>;

  constructor(
    @Inject(REDIS) redis: Redis,
    config: AppConfig,
    private readonly invalidations: CacheInvalidations,
  ) {
    this.prefix = `${config.redisPrefix}:ver`;
    this.sharedCopies = new LocalCache(invalidations, MAX_SHARED_COPIES);
    this.computerCopies = new LocalCache(invalidations, config.localCache.maxComputers);
    redis.defineCommand('pgReadOrSeed', { lua: READ_OR_SEED });
    redis.defineCommand('pgBump', { lua: BUMP });
    redis.defineCommand('pgNextSeq', { lua: NEXT_SEQ });
    redis.defineCommand('pgOfferState', { lua: OFFER_STATE });
    this.commands = redis as unknown as VersionCommands;
  }

  /** One round trip: the versions a computer's offer depends on, for its group path (root first). */
  async partsOf(computerId: string, groupPath: string[]): Promise<OfferVersionParts> {
    const keys = [this.catalogKey, this.treeKey, this.settingsKey, this.computerKey(computerId), ...groupPath.map((id) => this.groupKey(id))];
    const [catalog, tree, settings, computer, ...groups] = await this.commands.pgReadOrSeed(keys.length, ...keys, seed());
    return { catalog, tree, settings, computer, groups };
  }

  /** One round trip: the versions every computer of a group path shares. */
  async groupPartsOf(groupPath: string[]): Promise<GroupVersionParts> {
    const keys = [this.catalogKey, this.treeKey, this.settingsKey, ...groupPath.map((id) => this.groupKey(id))];
    const [catalog, tree, settings, ...groups] = await this.commands.pgReadOrSeed(keys.length, ...keys, seed());
    return { catalog, tree, settings, groups };
  }

  /**
   * An unchanged check-in: the computer's context as cached under contextKey() (if still valid for
   * the tree and computer versions it was stored under), parsed by `parse`, with the versions its
   * offer depends on. From this process's copies when they hold all of it (no round trip), else one
   * round trip, whose answer is then copied. Null when the context must be loaded again.
   * `parse` must return a value callers treat as read-only: copies are shared between requests.
   */
  async cachedContextWithParts<T extends NonNullable<unknown>>(computerId: string, parse: (raw: string) => T): Promise<ContextWithParts<T> | null> {
    const computerKey = this.computerKey(computerId);
    const copied = this.copiedState(computerKey);
    if (copied) return copied as ContextWithParts<T>;
    const keys = [this.contextKey(computerId), this.catalogKey, this.treeKey, this.settingsKey, computerKey];
    const read = this.invalidations.begin();
    try {
      const [raw, own, groups, groupList] = await this.commands.pgOfferState(keys.length, ...keys, seed(), `${this.prefix}:group:`);
      if (!raw || !own || !groups) return null;
      const [catalog, tree, settings, computer] = own;
      const context = parse(raw);
      const groupIds = (groupList ?? '').split(' ').filter(Boolean);
      if (groupIds.length === groups.length) {
        this.sharedCopies.set(this.catalogKey, catalog, read);
        this.sharedCopies.set(this.treeKey, tree, read);
        this.sharedCopies.set(this.settingsKey, settings, read);
        groupIds.forEach((id, i) => this.sharedCopies.set(this.groupKey(id), groups[i], read));
        this.computerCopies.set(computerKey, { context, computer, tree, groupIds }, read, [computerKey, this.treeKey]);
      }
      return { context, parts: { catalog, tree, settings, computer, groups } };
    } finally {
      this.invalidations.finish(read);
    }
  }

  /** The offer state from this process's copies, when they hold every part of it. */
  private copiedState(computerKey: string): ContextWithParts<NonNullable<unknown>> | null {
    const copy = this.computerCopies.get(computerKey);
    if (!copy) return null;
    const tree = this.sharedCopies.get(this.treeKey);
    const catalog = this.sharedCopies.get(this.catalogKey);
    const settings = this.sharedCopies.get(this.settingsKey);
    if (tree !== copy.tree || catalog === undefined || settings === undefined) return null;
    const groups: string[] = [];
    for (const id of copy.groupIds) {
      const version = this.sharedCopies.get(this.groupKey(id));
      if (version === undefined) return null;
      groups.push(version);
    }
    return { context: copy.context, parts: { catalog, tree, settings, computer: copy.computer, groups } };
  }

  /** Where a computer's cached context lives (a hash of CachedContextFields); cachedContextWithParts() validates it. */
  contextKey(computerId: string): string {
    // Not `context:`: that name held the earlier JSON-string format, which a hash read would refuse.
    return `${this.prefix}:computer-context:${computerId}`;
  }

  bumpCatalog(): Promise<void> {
    return this.bump([this.catalogKey]);
  }

  /** The tree changed shape (a group moved): every computer's group path may differ. */
  bumpGroupTree(): Promise<void> {
    return this.bump([this.treeKey]);
  }

  bumpGroups(groupIds: Iterable<string>): Promise<void> {
    return this.bump([...new Set(groupIds)].map((id) => this.groupKey(id)));
  }

  bumpComputers(computerIds: Iterable<string>): Promise<void> {
    return this.bump([...new Set(computerIds)].map((id) => this.computerKey(id)));
  }

  bumpSettings(): Promise<void> {
    return this.bump([this.settingsKey]);
  }

  /** The versions a cached copy of a computer's own facts (group path, OS) depends on, as one string. */
  async computerFactsVersion(computerId: string): Promise<string> {
    const keys = [this.treeKey, this.computerKey(computerId)];
    return (await this.commands.pgReadOrSeed(keys.length, ...keys, seed())).join('|');
  }

  /** The next `seq` of a computer's signed answers: only grows, across restarts and Redis loss. */
  async nextSequence(computerId: string): Promise<number> {
    return Number(await this.commands.pgNextSeq(1, `${this.prefix}:seq:${computerId}`, seed()));
  }

  private get catalogKey(): string {
    return `${this.prefix}:catalog`;
  }

  private get treeKey(): string {
    return `${this.prefix}:tree`;
  }

  private get settingsKey(): string {
    return `${this.prefix}:settings`;
  }

  private computerKey(computerId: string): string {
    return `${this.prefix}:computer:${computerId}`;
  }

  private groupKey(groupId: string): string {
    return `${this.prefix}:group:${groupId}`;
  }

  /** Other processes drop their copies on the script's message; this one drops its own at once. */
  private async bump(keys: string[]): Promise<void> {
    if (!keys.length) return;
    try {
      await this.commands.pgBump(keys.length, ...keys, seed(), this.invalidations.channel);
    } catch (error) {
      this.invalidateAllWhenBack();
      throw error;
    } finally {
      this.invalidations.invalidate(keys);
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
    const keys = [this.catalogKey, this.treeKey, this.settingsKey];
    const attempt = (): void => {
      this.commands.pgBump(keys.length, ...keys, seed(), this.invalidations.channel).then(
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
