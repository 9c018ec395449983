import { EntityManager } from 'typeorm';

/** What one sync batch changed for one update, as seen by domains that depend on the catalog. */
export interface CatalogChange {
  updateId: string;
  kind: 'new' | 'revised' | 'expired';
  /** current revision before the batch; null for a new update */
  previousRevision: number | null;
  /** current revision after the batch */
  currentRevision: number;
  /** the new current revision requires a EULA that the previous one did not */
  newlyRequiresEula: boolean;
  /** the new current revision's files (names, URLs, SHA-256 or sizes) differ from the previous one's */
  filesChanged: boolean;
}

/**
 * What domains that depend on the catalog do about a sync batch's changes:
 * - `onCatalogChanges` runs inside the batch's transaction, after the catalog rows are written, so
 *   that consequences (approvals kept, suspended or revoked, and their log entries) commit
 *   atomically with the catalog change. Implementations must use `manager` for every write.
 * - `afterCatalogCommit` runs once the batch has committed: for work that must see the change
 *   (e.g. enqueueing jobs that read it). A failure there fails the run, which is resumable.
 */
export interface CatalogChangeListener {
  onCatalogChanges?(manager: EntityManager, changes: CatalogChange[], context: { syncRunId: string }): Promise<void>;
  afterCatalogCommit?(changes: CatalogChange[]): Promise<void>;
}

export const CATALOG_CHANGE_LISTENERS = Symbol('CATALOG_CHANGE_LISTENERS');
