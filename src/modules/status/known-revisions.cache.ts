import { Injectable, Logger } from '@nestjs/common';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { eventKey, StatusRepository } from './status.repository';

/** The catalog version is read from Redis at most this often; a catalog change is seen this late at most. */
const VERSION_TTL_MS = 1000;
/** More updates than this and the cache starts over (a catalog holds tens of thousands). */
const MAX_ENTRIES = 200_000;

/**
 * The API's check of reported (update, revision) pairs against the catalog, without SQL for pairs it
 * has seen: per update, the current revision read from PostgreSQL, kept while the catalog version
 * (OfferVersionsService, bumped after every catalog change) stays the same. Only what the catalog
 * held is cached: a pair not known here is always asked of PostgreSQL, so a new update or revision
 * is accepted at once. A revision the catalog gave back (a sync rolled back) may be accepted for
 * up to VERSION_TTL_MS after its bump; the worker checks again in its transaction and dead-letters it
 * (StatusRepository.persist).
 */
@Injectable()
export class KnownRevisionsCache {
  private readonly logger = new Logger(KnownRevisionsCache.name);
  private readonly currentRevisions = new Map<string, number>();
  private catalogVersion: string | null = null;
  private versionRead: Promise<string | null> | null = null;
  private versionReadAt = 0;

  constructor(
    private readonly status: StatusRepository,
    private readonly versions: OfferVersionsService,
  ) {}

  /** The (update, revision) pairs of `events` that the catalog holds, as `eventKey`s (as StatusRepository.findKnownRevisions). */
  async known(events: { updateId: string; revision: number }[]): Promise<Set<string>> {
    const version = await this.currentVersion();
    if (version === null || version !== this.catalogVersion) {
      this.currentRevisions.clear();
      this.catalogVersion = version;
    }
    const known = new Set<string>();
    const missing: { updateId: string; revision: number }[] = [];
    for (const e of events) {
      const current = this.currentRevisions.get(e.updateId.toLowerCase());
      if (current !== undefined && e.revision <= current) known.add(eventKey(e.updateId, e.revision));
      else missing.push(e);
    }
    if (!missing.length) return known;
    const found = await this.status.findCurrentRevisions(missing.map((e) => e.updateId));
    // Cached under the version read before the query: a change committed meanwhile bumps it after.
    if (version !== null && version === this.catalogVersion) {
      if (this.currentRevisions.size + found.size > MAX_ENTRIES) this.currentRevisions.clear();
      for (const [updateId, revision] of found) this.currentRevisions.set(updateId, revision);
    }
    for (const e of missing) {
      const current = found.get(e.updateId.toLowerCase());
      if (current !== undefined && e.revision <= current) known.add(eventKey(e.updateId, e.revision));
    }
    return known;
  }

  /** The catalog version, read once per VERSION_TTL_MS for every report; null while Redis cannot tell (nothing is cached then). */
  private currentVersion(): Promise<string | null> {
    if (!this.versionRead || Date.now() - this.versionReadAt >= VERSION_TTL_MS) {
      this.versionReadAt = Date.now();
      this.versionRead = this.versions.groupPartsOf([]).then(
        (parts) => parts.catalog,
        (error: unknown) => {
          this.logger.warn(`catalog version unreadable, checking status reports against PostgreSQL only: ${(error as Error).message}`);
          return null;
        },
      );
    }
    return this.versionRead;
  }
}
