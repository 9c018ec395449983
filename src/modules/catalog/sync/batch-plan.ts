import { CatalogChange } from '../catalog-change.listener';
import { filesKey } from '../update-revision';
import { contentHash, NormalizedFeedItem } from './feed-item.validator';

/** What the catalog holds for one update: enough to decide what an item changes. */
export interface UpdateSnapshot {
  currentRevision: number;
  expired: boolean;
  requiresEula: boolean;
  /** The current revision's files (`filesKey` of src/modules/catalog/update-revision.ts). */
  filesKey: string;
}

/** A stored revision, as far as deciding whether an item repeats it. */
export interface StoredRevision {
  contentHash: string;
  expired: boolean;
}

export interface ItemError {
  updateId: string | null;
  reason: string;
}

export interface BatchInput {
  /** Valid items of the page, in feed order. */
  items: NormalizedFeedItem[];
  /** The catalog's `updates` rows for the items' updateIds (absent: not in the catalog). */
  updates: Map<string, UpdateSnapshot>;
  /** The stored revisions among the items' (updateId, revision) pairs, keyed by `revisionKey`. */
  revisions: Map<string, StoredRevision>;
}

export interface BatchPlan {
  /** Revisions to insert. */
  newRevisions: NormalizedFeedItem[];
  /** Stored revisions going from active to expired: the item is the stored content with `state: expired`. */
  expiredRevisions: NormalizedFeedItem[];
  /** `updates` rows to insert or rewrite because the current revision changed (new or higher). */
  currentRevisions: { item: NormalizedFeedItem; expired: boolean }[];
  /** Updates whose current revision stays but which are newly expired: only their state changes. */
  expiredUpdates: string[];
  itemErrors: ItemError[];
  /** For the approvals domain: per update, what this batch changed. */
  changes: CatalogChange[];
  /** Every update with at least one valid item in the batch: before and after the batch. */
  outcomes: Map<string, { before: UpdateSnapshot | null; after: UpdateSnapshot }>;
  /** Product paths of the new revisions. */
  products: string[];
}

export const revisionKey = (updateId: string, revision: number): string => `${updateId}:${revision}`;

export const CONTENT_DIFFERS = 'revision: content differs from the stored revision';
export const EXPIRY_IS_FINAL = 'state: the stored revision is expired, and expiry is final';

interface UpdateWork {
  /** Highest new revision of the batch, if any. */
  top: NormalizedFeedItem | null;
  /** Some revision of the update is expired after the batch (new, or newly expired). */
  expires: boolean;
}

/**
 * Decides what one page does to the catalog (docs/upstream-feed.md, "Revisions and expiry" and
 * "Idempotency"). Pure: the caller loads the stored state, writes the plan, and counts outcomes.
 *
 * - An item equal to its stored revision changes nothing.
 * - A stored revision served again with only `state` going active -> expired is expired in place;
 *   any other difference keeps what is stored and is an item error.
 * - The current revision is the highest one; a lower one arriving late is stored as history.
 * - An update is expired once any of its revisions is expired: expiry is final, and this makes
 *   the result independent of the order in which items arrive.
 */
export function planBatch(input: BatchInput): BatchPlan {
  const revisions = new Map(input.revisions);
  const inserted = new Map<string, NormalizedFeedItem>();
  const expiredInPlace = new Map<string, NormalizedFeedItem>();
  const work = new Map<string, UpdateWork>();
  const itemErrors: ItemError[] = [];

  for (const candidate of input.items) {
    const { item } = candidate;
    const key = revisionKey(item.updateId, item.revision);
    const stored = revisions.get(key);
    const decision = !stored ? 'insert' : stored.contentHash === candidate.contentHash ? 'same' : isExpiryOf(candidate, stored) ? 'expire' : 'conflict';
    if (decision === 'conflict') {
      const reactivated = stored!.expired && item.state === 'active' && contentHash({ ...item, state: 'expired' }) === stored!.contentHash;
      itemErrors.push({ updateId: item.updateId, reason: reactivated ? EXPIRY_IS_FINAL : CONTENT_DIFFERS });
      continue; // a rejected item alone does not make its update counted
    }
    const entry = work.get(item.updateId) ?? { top: null, expires: false };
    work.set(item.updateId, entry);
    if (decision === 'insert') {
      revisions.set(key, { contentHash: candidate.contentHash, expired: item.state === 'expired' });
      inserted.set(key, candidate);
      if (!entry.top || item.revision > entry.top.item.revision) entry.top = candidate;
      if (item.state === 'expired') entry.expires = true;
    } else if (decision === 'expire') {
      revisions.set(key, { contentHash: candidate.contentHash, expired: true });
      // Inserted earlier in this batch: insert the expired content instead.
      if (inserted.has(key)) {
        inserted.set(key, candidate);
        if (entry.top?.item.revision === item.revision) entry.top = candidate;
      } else {
        expiredInPlace.set(key, candidate);
      }
      entry.expires = true;
    }
  }

  const currentRevisions: BatchPlan['currentRevisions'] = [];
  const expiredUpdates: string[] = [];
  const changes: CatalogChange[] = [];
  const outcomes: BatchPlan['outcomes'] = new Map();
  for (const [updateId, { top, expires }] of work) {
    const before = input.updates.get(updateId) ?? null;
    const currentChanged = top !== null && (before === null || top.item.revision > before.currentRevision);
    if (before === null && !currentChanged) continue; // cannot happen: a first revision is always inserted
    const expired = (before?.expired ?? false) || expires;
    const after: UpdateSnapshot =
      currentChanged && top
        ? { currentRevision: top.item.revision, expired, requiresEula: top.item.requiresEula, filesKey: filesKey(top.item.files) }
        : { ...before!, expired };
    outcomes.set(updateId, { before, after });
    if (currentChanged && top) currentRevisions.push({ item: top, expired });
    else if (expired && !before!.expired) expiredUpdates.push(updateId);

    const kind: CatalogChange['kind'] | null =
      before === null ? 'new' : expired && !before.expired ? 'expired' : currentChanged ? 'revised' : null;
    if (kind) {
      changes.push({
        updateId,
        kind,
        previousRevision: before?.currentRevision ?? null,
        currentRevision: after.currentRevision,
        // A new update has no previous revision whose approvals a EULA could suspend.
        newlyRequiresEula: before !== null && after.requiresEula && !before.requiresEula,
        filesChanged: before !== null && after.filesKey !== before.filesKey,
      });
    }
  }

  const products = new Set<string>();
  for (const { item } of inserted.values()) for (const path of item.products) products.add(path);
  return {
    newRevisions: [...inserted.values()],
    expiredRevisions: [...expiredInPlace.values()],
    currentRevisions,
    expiredUpdates,
    itemErrors,
    changes,
    outcomes,
    products: [...products],
  };
}

/** The item is the stored, active revision with only `state` turned to expired. */
function isExpiryOf(candidate: NormalizedFeedItem, stored: StoredRevision): boolean {
  return !stored.expired && candidate.item.state === 'expired' && contentHash({ ...candidate.item, state: 'active' }) === stored.contentHash;
}

export type UpdateOutcome = 'new' | 'revised' | 'expired' | 'unchanged';

/**
 * How a sync counts an update (docs/upstream-feed.md, "Idempotency"), from its state before the
 * run (`null`: not in the catalog) and its state now. An update expired by a new revision counts
 * as expired, not revised. A late, lower revision stored as history leaves the update unchanged.
 */
export function outcomeOf(beforeRun: Pick<UpdateSnapshot, 'currentRevision' | 'expired'> | null, now: UpdateSnapshot): UpdateOutcome {
  if (beforeRun === null) return 'new';
  if (!beforeRun.expired && now.expired) return 'expired';
  if (now.currentRevision > beforeRun.currentRevision) return 'revised';
  return 'unchanged';
}
