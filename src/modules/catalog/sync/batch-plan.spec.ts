import { filesKey, UpdateFile, UpdateRevisionData } from '../update-revision';
import { CONTENT_DIFFERS, EXPIRY_IS_FINAL, outcomeOf, planBatch, revisionKey, StoredRevision, UpdateSnapshot } from './batch-plan';
import { contentHash, NormalizedFeedItem } from './feed-item.validator';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

function revision(updateId: string, rev: number, overrides: Partial<UpdateRevisionData> = {}): NormalizedFeedItem {
  const item: UpdateRevisionData = {
    applicability: { arch: ['x64'], osFamily: ['windows'] },
    classification: 'security',
    cves: [],
    description: `revision ${rev}`,
    files: [],
    installBehavior: { reboot: 'always', userInput: false },
    kb: [],
    prerequisites: [],
    products: ['Windows/Windows 11'],
    releasedAt: '2026-10-14T17:00:00Z',
    requiresEula: false,
    revision: rev,
    severity: 'important',
    state: 'active',
    supersedes: [],
    title: `Update ${updateId.slice(0, 4)}`,
    updateId,
    ...overrides,
  };
  return { item, contentHash: contentHash(item) };
}

const stored = (...items: NormalizedFeedItem[]) =>
  new Map<string, StoredRevision>(items.map((n) => [revisionKey(n.item.updateId, n.item.revision), { contentHash: n.contentHash, expired: n.item.state === 'expired' }]));
const snapshot = (currentRevision: number, expired = false, requiresEula = false, files: UpdateFile[] = []): UpdateSnapshot => ({
  currentRevision,
  expired,
  requiresEula,
  filesKey: filesKey(files),
});

describe(planBatch.name, () => {
  it('inserts a new update with its current revision and reports it as new', () => {
    const plan = planBatch({ items: [revision(A, 1)], updates: new Map(), revisions: new Map() });
    expect(plan.newRevisions.map((n) => n.item.revision)).toEqual([1]);
    expect(plan.currentRevisions).toHaveLength(1);
    expect(plan.changes).toEqual([{ updateId: A, kind: 'new', previousRevision: null, currentRevision: 1, newlyRequiresEula: false, filesChanged: false }]);
    expect(plan.products).toEqual(['Windows/Windows 11']);
  });

  it('writes nothing for an item equal to its stored revision', () => {
    const r1 = revision(A, 1);
    const plan = planBatch({ items: [r1], updates: new Map([[A, snapshot(1)]]), revisions: stored(r1) });
    expect(plan).toMatchObject({ newRevisions: [], expiredRevisions: [], currentRevisions: [], expiredUpdates: [], changes: [], itemErrors: [], products: [] });
    expect(plan.outcomes.get(A)).toEqual({ before: snapshot(1), after: snapshot(1) });
  });

  it('revises an update to a higher revision, noting a newly required EULA', () => {
    const r1 = revision(A, 1);
    const plan = planBatch({ items: [revision(A, 2, { requiresEula: true })], updates: new Map([[A, snapshot(1)]]), revisions: stored(r1) });
    expect(plan.currentRevisions.map((c) => c.item.item.revision)).toEqual([2]);
    expect(plan.changes).toEqual([{ updateId: A, kind: 'revised', previousRevision: 1, currentRevision: 2, newlyRequiresEula: true, filesChanged: false }]);
  });

  it('notes a revision whose files differ (name, URL, SHA-256 or size), not one whose files are only listed in another order', () => {
    const f1 = { name: 'a.msu', url: 'https://example.invalid/a.msu', sha256: 'a'.repeat(64), size: 1 };
    const f2 = { name: 'b.msu', url: 'https://example.invalid/b.msu', sha256: 'b'.repeat(64), size: 2 };
    const r1 = revision(A, 1, { files: [f1, f2] });
    const before = new Map([[A, snapshot(1, false, false, [f1, f2])]]);
    const reordered = planBatch({ items: [revision(A, 2, { files: [f2, f1] })], updates: before, revisions: stored(r1) });
    expect(reordered.changes).toEqual([{ updateId: A, kind: 'revised', previousRevision: 1, currentRevision: 2, newlyRequiresEula: false, filesChanged: false }]);
    for (const changed of [{ name: 'c.msu' }, { url: 'https://example.invalid/c.msu' }, { sha256: 'c'.repeat(64) }, { size: 3 }]) {
      const plan = planBatch({ items: [revision(A, 2, { files: [f1, { ...f2, ...changed }] })], updates: before, revisions: stored(r1) });
      expect(plan.changes).toEqual([{ updateId: A, kind: 'revised', previousRevision: 1, currentRevision: 2, newlyRequiresEula: false, filesChanged: true }]);
    }
  });

  it('expires a stored revision in place when only its state changes', () => {
    const r1 = revision(A, 1);
    const expired = revision(A, 1, { state: 'expired' });
    const plan = planBatch({ items: [expired], updates: new Map([[A, snapshot(1)]]), revisions: stored(r1) });
    expect(plan.expiredRevisions).toEqual([expired]);
    expect(plan.newRevisions).toEqual([]);
    expect(plan.currentRevisions).toEqual([]);
    expect(plan.expiredUpdates).toEqual([A]);
    expect(plan.changes).toEqual([{ updateId: A, kind: 'expired', previousRevision: 1, currentRevision: 1, newlyRequiresEula: false, filesChanged: false }]);
  });

  it('keeps a stored revision served again with other content, as an item error', () => {
    const r1 = revision(A, 1);
    const plan = planBatch({ items: [revision(A, 1, { title: 'Changed' })], updates: new Map([[A, snapshot(1)]]), revisions: stored(r1) });
    expect(plan.itemErrors).toEqual([{ updateId: A, reason: CONTENT_DIFFERS }]);
    expect(plan.expiredRevisions).toEqual([]);
    expect(plan.changes).toEqual([]);
    // Rejected items alone do not make it an unchanged update.
    expect(plan.outcomes.has(A)).toBe(false);
  });

  it('refuses to reactivate an expired revision: expiry is final', () => {
    const expired = revision(A, 1, { state: 'expired' });
    const plan = planBatch({ items: [revision(A, 1)], updates: new Map([[A, snapshot(1, true)]]), revisions: stored(expired) });
    expect(plan.itemErrors).toEqual([{ updateId: A, reason: EXPIRY_IS_FINAL }]);
  });

  it('stores a late, lower revision as history without touching the current one', () => {
    const r2 = revision(A, 2);
    const plan = planBatch({ items: [revision(A, 1)], updates: new Map([[A, snapshot(2)]]), revisions: stored(r2) });
    expect(plan.newRevisions.map((n) => n.item.revision)).toEqual([1]);
    expect(plan.currentRevisions).toEqual([]);
    expect(plan.changes).toEqual([]);
    expect(outcomeOf({ currentRevision: 2, expired: false }, plan.outcomes.get(A)!.after)).toBe('unchanged');
  });

  it('takes the highest of several revisions in one page, in any order', () => {
    for (const items of [[revision(B, 1), revision(B, 3), revision(B, 2)], [revision(B, 3), revision(B, 1), revision(B, 2)]]) {
      const plan = planBatch({ items, updates: new Map(), revisions: new Map() });
      expect(plan.currentRevisions.map((c) => c.item.item.revision)).toEqual([3]);
      expect(plan.newRevisions).toHaveLength(3);
      expect(plan.changes).toEqual([expect.objectContaining({ kind: 'new', currentRevision: 3 })]);
    }
  });

  it('expires an update once any revision is expired, whatever the order', () => {
    const expiredFirst = planBatch({ items: [revision(A, 1, { state: 'expired' }), revision(A, 2)], updates: new Map(), revisions: new Map() });
    const activeFirst = planBatch({ items: [revision(A, 2), revision(A, 1, { state: 'expired' })], updates: new Map(), revisions: new Map() });
    for (const plan of [expiredFirst, activeFirst]) {
      expect(plan.currentRevisions).toEqual([{ item: revision(A, 2), expired: true }]);
    }
  });

  it('applies an expiry that follows an insert of the same revision in one page', () => {
    const plan = planBatch({ items: [revision(A, 1), revision(A, 1, { state: 'expired' })], updates: new Map(), revisions: new Map() });
    expect(plan.newRevisions).toEqual([revision(A, 1, { state: 'expired' })]);
    expect(plan.expiredRevisions).toEqual([]);
    expect(plan.currentRevisions).toEqual([{ item: revision(A, 1, { state: 'expired' }), expired: true }]);
  });

  it('counts an update revised to an expired revision as expired', () => {
    const r1 = revision(A, 1);
    const plan = planBatch({ items: [revision(A, 2, { state: 'expired' })], updates: new Map([[A, snapshot(1)]]), revisions: stored(r1) });
    expect(plan.changes).toEqual([expect.objectContaining({ kind: 'expired', previousRevision: 1, currentRevision: 2 })]);
    expect(outcomeOf({ currentRevision: 1, expired: false }, plan.outcomes.get(A)!.after)).toBe('expired');
  });
});

describe(outcomeOf.name, () => {
  it('counts per update against its state before the run', () => {
    expect(outcomeOf(null, snapshot(2))).toBe('new');
    expect(outcomeOf(null, snapshot(1, true))).toBe('new');
    expect(outcomeOf({ currentRevision: 1, expired: false }, snapshot(2))).toBe('revised');
    expect(outcomeOf({ currentRevision: 1, expired: false }, snapshot(1, true))).toBe('expired');
    expect(outcomeOf({ currentRevision: 1, expired: true }, snapshot(1, true))).toBe('unchanged');
    expect(outcomeOf({ currentRevision: 3, expired: false }, snapshot(3))).toBe('unchanged');
  });
});
