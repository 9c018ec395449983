import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** A read from Redis whose result may be copied into a LocalCache: begun before the command is sent. */
export interface CacheRead {
  readonly seq: number;
}

/**
 * The Redis commands a writer sends to change keys that API processes copy in memory: `PUBLISH` of
 * the changed key names on `channel` (space-separated), best sent in the same script as the change
 * so that no process can see the new value without the message having been sent.
 */
export interface InvalidationChannel {
  channel: string;
}

/**
 * In-process copies of values held in Redis, kept correct across API processes: every writer
 * publishes the names of the Redis keys it changed (in the same Lua script as the change), and every
 * process listens on a dedicated connection and drops its copies of those keys. The rules:
 *
 * 1. A value read from Redis is copied only if no invalidation of its keys (and no reset) arrived
 *    while the read was in flight (`begin()` before the command, `unchanged()` after it).
 * 2. While the subscription is not confirmed (start, disconnect, reconnect) every copy is bypassed
 *    and copies are cleared; they are cleared again when the subscription is confirmed.
 * 3. Every copy has a maximum age (PATCHGATE_LOCAL_CACHE_MAX_AGE_MS, 5 s by default), so even a lost
 *    message that went unnoticed ends within it.
 * 4. Memory is bounded: each LocalCache holds a maximum number of entries, oldest first out; a
 *    miss is the Redis round trip there would have been without the copy.
 */
@Injectable()
export class CacheInvalidations implements InvalidationChannel, OnApplicationShutdown {
  private readonly logger = new Logger(CacheInvalidations.name);
  readonly channel: string;
  readonly maxAgeMs: number;
  private readonly caches = new Set<LocalCache<NonNullable<unknown>>>();
  private subscriber: Redis | undefined;
  private confirmed = false;
  private readonly reads = new ReadTracker();

  constructor(private readonly config: AppConfig) {
    this.channel = `${config.redisPrefix}:invalidate`;
    this.maxAgeMs = config.localCache.maxAgeMs;
  }

  /** Whether copies may be used now: the subscription is confirmed and copies are enabled. */
  get live(): boolean {
    return this.confirmed;
  }

  /** A cache to be told of invalidations; starts the subscription on first use. */
  register<V extends NonNullable<unknown>>(cache: LocalCache<V>): void {
    this.caches.add(cache as unknown as LocalCache<NonNullable<unknown>>);
    if (!this.subscriber && this.maxAgeMs > 0) this.subscribe();
  }

  /** Begins a read from Redis: before its command is sent. */
  begin(): CacheRead {
    return this.reads.begin();
  }

  /** True when a value read by `read` may be copied: subscribed, and nothing it read was invalidated since it began. */
  unchanged(read: CacheRead, keys: Iterable<string>): boolean {
    return this.confirmed && this.reads.unchanged(read, keys);
  }

  /** Ends a read (call it once, whatever the outcome, after its values were copied or not). */
  finish(read: CacheRead): void {
    this.reads.finish(read);
  }

  /** Runs `load` as one read: begun before it, finished after `copy` had the chance to copy its result. */
  async read<T>(load: () => Promise<T>, copy: (value: T, read: CacheRead) => void): Promise<T> {
    const read = this.begin();
    try {
      const value = await load();
      copy(value, read);
      return value;
    } finally {
      this.finish(read);
    }
  }

  /**
   * Drops this process's copies of `keys` at once. Writers call it after their change, so this
   * process never answers from a copy its own change made stale (the message reaches the others).
   */
  invalidate(keys: Iterable<string>): void {
    const list = [...keys];
    this.reads.invalidated(list);
    for (const key of list) for (const cache of this.caches) cache.delete(key);
  }

  private reset(): void {
    this.reads.reset();
    for (const cache of this.caches) cache.clear();
  }

  private subscribe(): void {
    // A connection of its own: a subscribed connection can send nothing else. Retries for ever.
    const subscriber = new Redis(this.config.redisUrl, { autoResubscribe: false, maxRetriesPerRequest: null, lazyConnect: true });
    this.subscriber = subscriber;
    const down = () => {
      if (this.confirmed) this.logger.warn('cache invalidations: subscription lost; in-process copies bypassed until it is back');
      this.confirmed = false;
      this.reset();
    };
    subscriber.on('error', () => undefined);
    subscriber.on('close', down);
    subscriber.on('reconnecting', down);
    subscriber.on('end', down);
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          // Whatever was copied before was cleared when the connection went; clear once more, then use.
          this.reset();
          this.confirmed = true;
        },
        () => subscriber.disconnect(true),
      );
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      this.invalidate(message.split(' ').filter(Boolean));
    });
    subscriber.connect().catch(() => undefined);
  }

  /**
   * Drops the subscription as a lost connection does, at once rather than when the socket's close is
   * noticed (tests use it); the client reconnects and subscribes again by itself.
   */
  dropConnection(): void {
    this.confirmed = false;
    this.reset();
    this.subscriber?.disconnect(true);
  }

  onApplicationShutdown(): void {
    this.confirmed = false;
    this.subscriber?.disconnect(false);
  }
}

/**
 * Which reads from Redis may still be copied: a read begins (before its command is sent) at the
 * current count of invalidations; a key invalidated after that, or a reset, makes its value
 * unfit. Invalidations are remembered only as long as a read begun before them is in flight.
 */
export class ReadTracker {
  private seq = 0;
  private resetSeq = 0;
  /** key → seq of its last invalidation, in seq order */
  private readonly recent = new Map<string, number>();
  /** seq at which reads in flight began → how many; insertion order is seq order */
  private readonly inFlight = new Map<number, number>();

  begin(): CacheRead {
    const seq = this.seq;
    this.inFlight.set(seq, (this.inFlight.get(seq) ?? 0) + 1);
    return { seq };
  }

  unchanged(read: CacheRead, keys: Iterable<string>): boolean {
    if (this.resetSeq > read.seq) return false;
    for (const key of keys) if ((this.recent.get(key) ?? -1) > read.seq) return false;
    return true;
  }

  finish(read: CacheRead): void {
    const left = (this.inFlight.get(read.seq) ?? 1) - 1;
    if (left) this.inFlight.set(read.seq, left);
    else this.inFlight.delete(read.seq);
    this.prune();
  }

  invalidated(keys: Iterable<string>): void {
    this.seq++;
    if (!this.inFlight.size) return;
    for (const key of keys) {
      this.recent.delete(key);
      this.recent.set(key, this.seq);
    }
  }

  reset(): void {
    this.seq++;
    this.resetSeq = this.seq;
    this.recent.clear();
  }

  /** How many invalidations are remembered (for tests: it must not grow without reads in flight). */
  get remembered(): number {
    return this.recent.size;
  }

  /** Forgets invalidations no read in flight began before. */
  private prune(): void {
    const oldest = this.inFlight.keys().next();
    const floor = oldest.done ? Infinity : oldest.value;
    for (const [key, seq] of this.recent) {
      if (seq > floor) break;
      this.recent.delete(key);
    }
  }
}

/**
 * A bounded, max-aged in-process copy of values read from Redis, keyed by the Redis key (or keys:
 * `dependsOn`) they came from, so that an invalidation of that key drops it. See CacheInvalidations
 * for the rules that keep it correct. A plain Map in insertion order: when full, the oldest copy
 * goes first, which is also the one nearest its max age (a hit does not renew a copy), so no
 * per-hit bookkeeping is needed.
 */
export class LocalCache<V extends NonNullable<unknown>> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly max: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly invalidations: CacheInvalidations,
    max: number,
  ) {
    this.max = Math.max(1, max);
    this.maxAgeMs = invalidations.maxAgeMs;
    if (max > 0 && invalidations.maxAgeMs > 0) invalidations.register(this);
  }

  get(key: string): V | undefined {
    if (!this.invalidations.live) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > Date.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Copies `value` read by `read` unless one of `keys` was invalidated since the read began. */
  set(key: string, value: V, read: CacheRead, keys: Iterable<string> = [key]): void {
    if (!this.invalidations.unchanged(read, keys)) return;
    // Re-inserted, so the Map's order stays the order of age.
    this.entries.delete(key);
    this.entries.set(key, { value, expires: Date.now() + this.maxAgeMs });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
