import { UnitOfWork } from '../../../infra/database/unit-of-work';
import { OutboundPolicy } from '../../../infra/http/outbound-policy';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { OfferVersionsService } from '../../offer-versions/offer-versions.service';
import { CatalogChange, CatalogChangeListener } from '../catalog-change.listener';
import { filesKey } from '../update-revision';
import { revisionKey, UpdateSnapshot } from './batch-plan';
import { CatalogWriterRepository, StoredPageState } from './catalog-writer.repository';
import { SyncRunEntity } from './entities/sync-run.entity';
import { NormalizedFeedItem } from './feed-item.validator';
import { SyncConfigRepository } from './sync-config.repository';
import { SyncRunner } from './sync-runner.service';
import { SyncRunProgress, SyncRunsRepository } from './sync-runs.repository';
import { PageFetcher } from './page-fetcher';
import { FeedUpstream } from './upstreams/feed/feed-upstream';
import { UpstreamKindRegistry } from './upstreams/upstream-kinds';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

function feedItem(updateId: string, revision: number, extra: Record<string, unknown> = {}) {
  return {
    updateId,
    revision,
    title: `Update ${updateId.slice(0, 4)} r${revision}`,
    description: '',
    kb: [],
    cves: [],
    classification: 'security',
    products: ['Windows/Windows 11'],
    severity: 'important',
    releasedAt: '2026-10-14T17:00:00Z',
    supersedes: [],
    prerequisites: [],
    installBehavior: { reboot: 'always', userInput: false },
    requiresEula: false,
    files: [],
    applicability: { osFamily: ['windows'], arch: ['x64'] },
    state: 'active',
    ...extra,
  };
}

/** The catalog and the run, in memory; records the order in which things happen. */
class World {
  events: string[] = [];
  updates = new Map<string, UpdateSnapshot>();
  revisions = new Map<string, { contentHash: string; expired: boolean }>();
  run: SyncRunEntity;

  constructor(firstPage: string) {
    this.run = {
      id: 'run-1', status: 'running', trigger: 'manual', upstreamKind: 'feed', upstreamUrl: firstPage, products: [], classifications: [],
      newUpdates: 0, revisedUpdates: 0, expiredUpdates: 0, unchangedUpdates: 0, itemErrors: [], itemErrorCount: 0,
      itemsProcessed: 0, itemsFiltered: 0, pagesProcessed: 0, cursorBefore: null, cursorAfter: null, nextPage: firstPage, error: null,
    } as unknown as SyncRunEntity;
  }
}

describe(SyncRunner.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sync-runner-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function setUp(listenersOf: (world: World) => CatalogChangeListener[]) {
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ items: [feedItem(A, 1), feedItem(B, 1)], nextCursor: 'page-0002.json' }));
    writeFileSync(join(dir, 'page-0002.json'), JSON.stringify({ items: [feedItem(A, 2, { requiresEula: true }), feedItem(B, 1)], nextCursor: null }));
    const world = new World(pathToFileURL(join(dir, 'index.json')).href);
    const transactionManager = { name: 'page transaction' } as unknown as EntityManager;
    const plainManager = { name: 'no transaction' } as unknown as EntityManager;

    const runs = {
      findById: async () => ({ ...world.run }),
      recordPage: async (manager: EntityManager, _id: string, pagesBefore: number, progress: SyncRunProgress) => {
        world.events.push(`record page ${pagesBefore + 1} in ${(manager as unknown as { name: string }).name}`);
        Object.assign(world.run, progress);
        return true;
      },
      finish: async (_id: string, outcome: { status: string }) => {
        world.events.push(`finish ${outcome.status}`);
        world.run.status = outcome.status as SyncRunEntity['status'];
        return true;
      },
    } as unknown as SyncRunsRepository;
    const writer = {
      loadPageState: async (_m: EntityManager, _r: string, pairs: { updateId: string; revision: number }[]): Promise<StoredPageState> => ({
        snapshots: new Map(pairs.filter((p) => world.updates.has(p.updateId)).map((p) => [p.updateId, world.updates.get(p.updateId)!])),
        tracked: new Map(),
        revisions: new Map(pairs.map((p) => revisionKey(p.updateId, p.revision)).filter((k) => world.revisions.has(k)).map((k) => [k, world.revisions.get(k)!])),
      }),
      upsertCurrentRevisions: async (_m: EntityManager, rows: { item: NormalizedFeedItem; expired: boolean }[]) => {
        for (const { item, expired } of rows) world.updates.set(item.item.updateId, { currentRevision: item.item.revision, expired, requiresEula: item.item.requiresEula, filesKey: filesKey(item.item.files) });
        if (rows.length) world.events.push(`write ${rows.length} updates`);
      },
      insertRevisions: async (_m: EntityManager, _r: string, items: NormalizedFeedItem[]) => {
        for (const { item, contentHash } of items) world.revisions.set(revisionKey(item.updateId, item.revision), { contentHash, expired: item.state === 'expired' });
      },
      expireUpdates: async () => undefined,
      expireRevisions: async () => undefined,
      insertProducts: async () => undefined,
    } as unknown as CatalogWriterRepository;
    const dataSource = {
      manager: plainManager,
      transaction: async <T>(work: (manager: EntityManager) => Promise<T>) => {
        world.events.push('begin');
        const result = await work(transactionManager);
        world.events.push('commit');
        return result;
      },
    } as unknown as DataSource;
    const rules = { add: async (name: string, data: unknown, opts: { jobId: string }) => world.events.push(`enqueue ${name} ${JSON.stringify(data)} ${opts.jobId}`) };
    const fetcher = new PageFetcher({ timeoutMs: 1000, attempts: 1, retryDelayMs: 0, maxBytes: 1024 * 1024, policy: OutboundPolicy.permissive() });
    const kinds = new UpstreamKindRegistry([new FeedUpstream(fetcher)]);
    const configs = { find: async () => null } as unknown as SyncConfigRepository;
    const offerVersions = { bumpCatalog: async () => void world.events.push('bump catalog version') } as unknown as OfferVersionsService;
    // The real unit of work over the fake data source: after-commit actions run after 'commit'.
    const runner = new SyncRunner(runs, configs, writer, dataSource, new UnitOfWork(dataSource), rules as unknown as Queue, offerVersions, kinds, listenersOf(world));
    return { world, runner, transactionManager };
  }

  it('tells every listener, inside the page transaction and after the catalog writes, what the page changed; bumps the catalog version after each commit', async () => {
    const calls: { changes: CatalogChange[]; manager: EntityManager; context: { syncRunId: string } }[] = [];
    const listener = (world: World, label: string): CatalogChangeListener => ({
      onCatalogChanges: async (manager, changes, context) => {
        calls.push({ changes, manager, context });
        world.events.push(`listener ${label}`);
      },
    });
    const { world, runner, transactionManager } = setUp((w) => [listener(w, 'one'), listener(w, 'two')]);

    await expect(runner.run('run-1', new AbortController().signal)).resolves.toBe('finished');

    expect(world.events).toEqual([
      'begin', 'write 2 updates', 'listener one', 'listener two', 'record page 1 in page transaction', 'commit', 'bump catalog version',
      'begin', 'write 1 updates', 'listener one', 'listener two', 'record page 2 in page transaction', 'commit', 'bump catalog version',
      `enqueue evaluate-rules {"syncRunId":"run-1"} rules-after-sync-run-1`,
      'finish succeeded',
    ]);
    expect(calls.every((c) => c.manager === transactionManager && c.context.syncRunId === 'run-1')).toBe(true);
    expect(calls[0].changes).toEqual([
      { updateId: A, kind: 'new', previousRevision: null, currentRevision: 1, newlyRequiresEula: false, filesChanged: false },
      { updateId: B, kind: 'new', previousRevision: null, currentRevision: 1, newlyRequiresEula: false, filesChanged: false },
    ]);
    // Page 2: A got a revision that newly requires a EULA; B repeated its stored revision, no change.
    expect(calls[2].changes).toEqual([{ updateId: A, kind: 'revised', previousRevision: 1, currentRevision: 2, newlyRequiresEula: true, filesChanged: false }]);
    // Counted per update over the run: A is new (not also revised), B is new (not also unchanged).
    expect(world.run).toMatchObject({ newUpdates: 2, revisedUpdates: 0, unchangedUpdates: 0, pagesProcessed: 2, itemsProcessed: 4 });
  });

  it('records a page that changes nothing in one statement, with no transaction and no listener call', async () => {
    const onCatalogChanges = jest.fn();
    const { world, runner } = setUp(() => [{ onCatalogChanges }]);
    await runner.run('run-1', new AbortController().signal);
    onCatalogChanges.mockClear();
    world.events = [];
    Object.assign(world.run, { status: 'running', nextPage: world.run.upstreamUrl, pagesProcessed: 0, itemsProcessed: 0, newUpdates: 0 });

    await runner.run('run-1', new AbortController().signal);
    expect(world.events).toEqual(['record page 1 in no transaction', 'record page 2 in no transaction', 'finish succeeded']);
    expect(onCatalogChanges).not.toHaveBeenCalled();
    expect(world.run).toMatchObject({ newUpdates: 0, unchangedUpdates: 2 });
  });
});
