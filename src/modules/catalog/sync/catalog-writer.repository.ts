import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { revisionKey, StoredRevision, UpdateSnapshot } from './batch-plan';
import { contentHash, FeedPageLocation, normalizeFeedItem, NormalizedFeedItem } from './feed-item.validator';
import { filesKey, UpdateFile, UpdateRevisionData } from '../update-revision';

/** An update's state before the run that is syncing it (`null`: it was not in the catalog). */
export type StateBeforeRun = Pick<UpdateSnapshot, 'currentRevision' | 'expired'> | null;

export interface StoredPageState {
  /** The `updates` rows of the page's updates that exist. */
  snapshots: Map<string, UpdateSnapshot>;
  /** Updates an earlier page of the same run already counted, with their state before the run. */
  tracked: Map<string, StateBeforeRun>;
  /** The stored revisions among the page's pairs, keyed by `revisionKey`. */
  revisions: Map<string, StoredRevision>;
}

/**
 * The catalog writes of the sync: a page at a time, each statement covering the whole page
 * (rows travel as one JSON array, expanded by jsonb_to_recordset), all inside the page's
 * transaction. Unchanged items never reach these methods, so they write nothing.
 */
@Injectable()
export class CatalogWriterRepository {
  /**
   * In one query, for the page's (updateId, revision) pairs: the stored revision's hash, the
   * update's `updates` row, and (`withTracking`) whether an earlier page of this run already
   * counted the update.
   */
  async loadPageState(
    manager: EntityManager,
    syncRunId: string,
    pairs: { updateId: string; revision: number }[],
    options: { withTracking: boolean },
  ): Promise<StoredPageState> {
    const tracking = options.withTracking
      ? `LEFT JOIN LATERAL (SELECT true AS tracked, t.previous_revision, t.previously_expired FROM sync_run_updates t
                             WHERE t.sync_run_id = $1 AND t.update_id = p.update_id LIMIT 1) t ON true`
      : 'LEFT JOIN (SELECT NULL::boolean AS tracked, NULL::int AS previous_revision, NULL::boolean AS previously_expired WHERE $1::uuid IS NULL) t ON true';
    const rows: {
      update_id: string;
      revision: number;
      content_hash: string | null;
      revision_state: string | null;
      current_revision: number | null;
      state: string | null;
      requires_eula: boolean | null;
      files: UpdateFile[] | null;
      tracked: boolean;
      previous_revision: number | null;
      previously_expired: boolean | null;
    }[] = await manager.query(
      // One primary-key probe per pair and table, whatever the statistics say: the tables grow
      // fast during a first sync, and a join planned on stale statistics would scan them whole.
      `SELECT p.update_id, p.revision, r.content_hash, r.state AS revision_state, u.current_revision, u.state, u.requires_eula, u.files,
              t.tracked IS NOT NULL AS tracked, t.previous_revision, t.previously_expired
         FROM unnest($2::uuid[], $3::int[]) AS p(update_id, revision)
         LEFT JOIN LATERAL (SELECT r.content_hash, r.state FROM update_revisions r
                             WHERE r.update_id = p.update_id AND r.revision = p.revision LIMIT 1) r ON true
         LEFT JOIN LATERAL (SELECT u.current_revision, u.state, u.requires_eula, u.files FROM updates u
                             WHERE u.update_id = p.update_id LIMIT 1) u ON true
         ${tracking}`,
      [syncRunId, pairs.map((p) => p.updateId), pairs.map((p) => p.revision)],
    );
    const state: StoredPageState = { snapshots: new Map(), tracked: new Map(), revisions: new Map() };
    for (const row of rows) {
      if (row.content_hash !== null) {
        state.revisions.set(revisionKey(row.update_id, row.revision), { contentHash: row.content_hash, expired: row.revision_state === 'expired' });
      }
      if (row.current_revision !== null) {
        state.snapshots.set(row.update_id, { currentRevision: row.current_revision, expired: row.state === 'expired', requiresEula: row.requires_eula === true, filesKey: filesKey(row.files ?? []) });
      }
      if (row.tracked) {
        state.tracked.set(row.update_id, row.previous_revision === null ? null : { currentRevision: row.previous_revision, expired: row.previously_expired === true });
      }
    }
    return state;
  }

  /**
   * The active updates under `productRoots` (a product equal to a root or below it) that are not in
   * `listed`: each as its current revision with `state: expired`, ready for the page's plan.
   */
  async loadUnlistedActive(manager: EntityManager, productRoots: string[], listed: ReadonlySet<string>): Promise<NormalizedFeedItem[]> {
    if (!productRoots.length) return [];
    const rows: { document: UpdateRevisionData }[] = await manager.query(
      `SELECT r.document FROM updates u
         JOIN update_revisions r ON r.update_id = u.update_id AND r.revision = u.current_revision
        WHERE u.state = 'active'
          AND EXISTS (SELECT 1 FROM unnest(u.products) p, unnest($1::text[]) root WHERE p = root OR left(p, length(root) + 1) = root || '/')
          AND NOT (u.update_id = ANY($2::uuid[]))
        ORDER BY u.update_id`,
      [productRoots, [...listed]],
    );
    // jsonb keeps keys in its own order: normalize again for the canonical JSON (file URLs are absolute already).
    const location = new FeedPageLocation('http://localhost/');
    return rows.map(({ document }) => {
      const item = normalizeFeedItem({ ...document, state: 'expired' }, location);
      return { item, contentHash: contentHash(item) };
    });
  }

  /** Inserts new updates and rewrites those whose current revision changed, from that revision. */
  async upsertCurrentRevisions(manager: EntityManager, rows: { item: NormalizedFeedItem; expired: boolean }[]): Promise<void> {
    if (!rows.length) return;
    const records = rows.map(({ item: { item }, expired }) => ({
      update_id: item.updateId,
      current_revision: item.revision,
      title: item.title,
      description: item.description,
      kb: item.kb,
      cves: item.cves,
      classification: item.classification,
      products: item.products,
      severity: item.severity,
      // Millisecond precision, like the catalog's paging cursor (the document keeps the feed's text).
      released_at: new Date(item.releasedAt).toISOString(),
      supersedes: item.supersedes,
      prerequisites: item.prerequisites,
      reboot: item.installBehavior.reboot,
      user_input: item.installBehavior.userInput,
      requires_eula: item.requiresEula,
      files: item.files,
      applicability: item.applicability,
      state: expired ? 'expired' : 'active',
    }));
    await manager.query(
      `INSERT INTO updates (update_id, current_revision, title, description, kb, cves, classification, products, severity,
                            released_at, supersedes, prerequisites, reboot, user_input, requires_eula, files, applicability,
                            state, changed_at, change_seq)
       SELECT r.update_id, r.current_revision, r.title, r.description, r.kb, r.cves, r.classification, r.products, r.severity,
              r.released_at, r.supersedes, r.prerequisites, r.reboot, r.user_input, r.requires_eula, r.files, r.applicability,
              r.state, now(), nextval('catalog_change_seq')
         FROM jsonb_to_recordset($1::jsonb) AS r(
              update_id uuid, current_revision int, title text, description text, kb text[], cves text[], classification text,
              products text[], severity text, released_at timestamptz, supersedes uuid[], prerequisites uuid[], reboot text,
              user_input boolean, requires_eula boolean, files jsonb, applicability jsonb, state text)
       ON CONFLICT (update_id) DO UPDATE SET
         current_revision = EXCLUDED.current_revision, title = EXCLUDED.title, description = EXCLUDED.description,
         kb = EXCLUDED.kb, cves = EXCLUDED.cves, classification = EXCLUDED.classification, products = EXCLUDED.products,
         severity = EXCLUDED.severity, released_at = EXCLUDED.released_at, supersedes = EXCLUDED.supersedes,
         prerequisites = EXCLUDED.prerequisites, reboot = EXCLUDED.reboot, user_input = EXCLUDED.user_input,
         requires_eula = EXCLUDED.requires_eula, files = EXCLUDED.files, applicability = EXCLUDED.applicability,
         state = EXCLUDED.state, changed_at = EXCLUDED.changed_at, change_seq = EXCLUDED.change_seq`,
      [JSON.stringify(records)],
    );
  }

  /** Updates whose current revision stays but which are now expired. */
  async expireUpdates(manager: EntityManager, updateIds: string[]): Promise<void> {
    if (!updateIds.length) return;
    await manager.query(
      `UPDATE updates SET state = 'expired', changed_at = now(), change_seq = nextval('catalog_change_seq')
        WHERE update_id = ANY($1::uuid[]) AND state <> 'expired'`,
      [updateIds],
    );
  }

  /** New revisions; each takes the next catalog change_seq, so downstream servers receive it. */
  async insertRevisions(manager: EntityManager, syncRunId: string, items: NormalizedFeedItem[]): Promise<void> {
    if (!items.length) return;
    const records = items.map(({ item, contentHash }) => ({
      update_id: item.updateId,
      revision: item.revision,
      document: item,
      content_hash: contentHash,
      state: item.state,
      requires_eula: item.requiresEula,
    }));
    await manager.query(
      `INSERT INTO update_revisions (update_id, revision, document, content_hash, state, requires_eula, synced_at, sync_run_id, change_seq)
       SELECT r.update_id, r.revision, r.document, r.content_hash, r.state, r.requires_eula, now(), $2, nextval('catalog_change_seq')
         FROM jsonb_to_recordset($1::jsonb) AS r(update_id uuid, revision int, document jsonb, content_hash text, state text, requires_eula boolean)`,
      [JSON.stringify(records), syncRunId],
    );
  }

  /**
   * Stored revisions that went from active to expired: the one change a published revision may
   * undergo. A new change_seq puts them at the end of the change order, so downstream servers
   * are served them again.
   */
  async expireRevisions(manager: EntityManager, syncRunId: string, items: NormalizedFeedItem[]): Promise<void> {
    if (!items.length) return;
    const records = items.map(({ item, contentHash }) => ({ update_id: item.updateId, revision: item.revision, document: item, content_hash: contentHash }));
    await manager.query(
      `UPDATE update_revisions r
          SET document = v.document, content_hash = v.content_hash, state = 'expired', synced_at = now(), sync_run_id = $2,
              change_seq = nextval('catalog_change_seq')
         FROM jsonb_to_recordset($1::jsonb) AS v(update_id uuid, revision int, document jsonb, content_hash text)
        WHERE r.update_id = v.update_id AND r.revision = v.revision AND r.state = 'active'`,
      [JSON.stringify(records), syncRunId],
    );
  }

  /** Product paths not seen before. */
  async insertProducts(manager: EntityManager, paths: string[]): Promise<void> {
    if (!paths.length) return;
    await manager.query(
      `INSERT INTO products (path, first_seen_at) SELECT p, now() FROM unnest($1::text[]) AS p ORDER BY p ON CONFLICT (path) DO NOTHING`,
      [paths],
    );
  }
}
