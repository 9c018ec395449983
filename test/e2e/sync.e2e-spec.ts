import { Queue } from 'bullmq';
import { Role } from '../../src/common/auth/role';
import { JobName, QueueName } from '../../src/infra/queue/queue-names';
import { SampleFeedSetup } from '../../src/modules/catalog/sync/sample-feed-setup.service';
import { SYNC_SCHEDULER_ID } from '../../src/modules/catalog/sync/sync-queue';
import { createWorkerContext } from '../../src/worker-app';
import { FeedItem } from '../../scripts/feed/feed-item';
import { currentRevisions, feedItem, readSampleFeed, SAMPLE_FEED_DIR, SAMPLE_FEED_URL, writeFeedDirectory } from '../factories/catalog.factory';
import { userWithRole } from '../factories/users.factory';
import { FeedServer } from '../support/feed-server';
import { catalogRowVersions, configureUpstream, getRun, openQueue, runSync, startRun, SyncRun, waitForRun } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const samplePages = readSampleFeed();
const sampleItems = samplePages.flatMap((p) => p.items);
const sampleCurrent = currentRevisions(sampleItems);
const sampleExpired = new Set(sampleItems.filter((i) => i.state === 'expired').map((i) => i.updateId));

async function resetCatalog(app: TestApp): Promise<void> {
  await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, sync_runs CASCADE');
}

describe('catalog sync', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
  });
  afterAll(() => app.close());

  describe('from the bundled sample feed', () => {
    let first: SyncRun;

    beforeAll(async () => {
      await resetCatalog(app);
      await configureUpstream(app, admin, { kind: 'feed', url: SAMPLE_FEED_URL });
      first = await runSync(app, admin);
    });

    it('counts every update of the feed as new, with no item errors', () => {
      expect(first).toMatchObject({
        status: 'succeeded',
        trigger: 'manual',
        upstream: { kind: 'feed', url: SAMPLE_FEED_URL },
        newUpdates: sampleCurrent.size,
        revisedUpdates: 0,
        expiredUpdates: 0,
        unchangedUpdates: 0,
        itemErrorCount: 0,
        itemErrors: [],
        error: null,
        cursorBefore: null,
        cursorAfter: null,
        progress: { pagesProcessed: samplePages.length, itemsProcessed: sampleItems.length, itemsFiltered: 0 },
      });
      expect(sampleCurrent.size).toBe(301); // the feed's README says so; the counts above come from the files
      expect(new Date(first.finishedAt!).getTime()).toBeGreaterThanOrEqual(new Date(first.startedAt!).getTime());
    });

    it('stores every revision, the highest as current, and every product path', async () => {
      const updates: { update_id: string; current_revision: number; state: string; title: string }[] = await app.db.query(
        'SELECT update_id, current_revision, state, title FROM updates',
      );
      expect(updates).toHaveLength(sampleCurrent.size);
      for (const row of updates) {
        const expected = sampleCurrent.get(row.update_id)!;
        expect({ revision: row.current_revision, title: row.title }).toEqual({ revision: expected.revision, title: expected.title });
        expect(row.state).toBe(sampleExpired.has(row.update_id) ? 'expired' : 'active');
      }
      const [{ revisions }] = await app.db.query('SELECT count(*)::int AS revisions FROM update_revisions');
      expect(revisions).toBe(sampleItems.length);
      const products: { path: string }[] = await app.db.query('SELECT path FROM products ORDER BY path');
      expect(products.map((p) => p.path)).toEqual([...new Set(sampleItems.flatMap((i) => i.products))].sort());
    });

    it('resolves relative file URLs against the page that carried them', async () => {
      const diagnostics = '3dd56533-3104-5257-bdf5-fdd664d4e8fd';
      const res = await app.http.get(`/api/v1/updates/${diagnostics}`, { token: admin });
      expect(res.status).toBe(200);
      expect(res.body.files.map((f: { url: string }) => f.url)).toEqual([
        `file://${SAMPLE_FEED_DIR}/payloads/collect-diagnostics.sh`,
        `file://${SAMPLE_FEED_DIR}/payloads/collect-diagnostics.README.txt`,
      ]);
    });

    it('changes not a single catalog row when synced again', async () => {
      const before = await catalogRowVersions(app.db);
      const again = await runSync(app, admin);
      expect(again).toMatchObject({ status: 'succeeded', newUpdates: 0, revisedUpdates: 0, expiredUpdates: 0, unchangedUpdates: sampleCurrent.size, itemErrorCount: 0 });
      expect(await catalogRowVersions(app.db)).toBe(before);
    });

    it('asks for rule evaluation after a run that brought updates, and not after an unchanged one', async () => {
      const rules = openQueue(app, QueueName.Rules);
      try {
        const afterFirst = await rules.getJob(`rules-after-sync-${first.id}`);
        expect(afterFirst).toMatchObject({ name: JobName.EvaluateRules, data: { syncRunId: first.id } });
        const unchanged = await runSync(app, admin);
        expect(unchanged.unchangedUpdates).toBe(sampleCurrent.size);
        expect(await rules.getJob(`rules-after-sync-${unchanged.id}`)).toBeUndefined();
      } finally {
        await rules.close();
      }
    });
  });

  describe('a feed that moves on', () => {
    // Written to a new directory each time: items with relative file URLs would resolve elsewhere, a conflict of their own.
    const base = sampleItems.filter(
      (i) => i.revision === 1 && !sampleExpired.has(i.updateId) && sampleCurrent.get(i.updateId)!.revision === 1 && i.files.every((f) => /^https?:/.test(f.url)),
    );
    const [revised, expiredInPlace, expiredByRevision, conflicting] = base;
    const added = feedItem({ title: 'A brand new update' });
    let run: SyncRun;
    let seqBefore: Map<string, string>;

    beforeAll(async () => {
      await resetCatalog(app);
      await configureUpstream(app, admin, { kind: 'feed', url: writeFeedDirectory([base.slice(0, 100), base.slice(100)]) });
      const initial = await runSync(app, admin);
      expect(initial).toMatchObject({ status: 'succeeded', newUpdates: base.length });
      const rows: { update_id: string; change_seq: string }[] = await app.db.query('SELECT update_id, change_seq FROM update_revisions');
      seqBefore = new Map(rows.map((r) => [r.update_id, r.change_seq]));

      const changed: FeedItem[] = base.map((item) => {
        if (item === expiredInPlace) return { ...item, state: 'expired' };
        if (item === conflicting) return { ...item, title: `${item.title} (silently edited)` };
        return item;
      });
      changed.push(
        { ...revised, revision: 2, title: `${revised.title} (corrected)` },
        { ...expiredByRevision, revision: 2, state: 'expired', description: 'withdrawn' },
        added,
      );
      await configureUpstream(app, admin, { kind: 'feed', url: writeFeedDirectory([changed.slice(0, 100), changed.slice(100)]) });
      run = await runSync(app, admin);
    });

    it('counts new, revised, expired and unchanged updates, and the conflicting item as an error', () => {
      expect(run).toMatchObject({
        status: 'succeeded',
        newUpdates: 1,
        revisedUpdates: 1,
        expiredUpdates: 2,
        // the conflicting update is neither: its one item did not match
        unchangedUpdates: base.length - 4,
        itemErrorCount: 1,
        itemErrors: [{ updateId: conflicting.updateId, reason: 'revision: content differs from the stored revision' }],
      });
    });

    it('makes the new revision current and keeps the old one', async () => {
      const res = await app.http.get(`/api/v1/updates/${revised.updateId}`, { token: admin });
      expect(res.body.current).toMatchObject({ revision: 2, title: `${revised.title} (corrected)` });
      expect(res.body.revisions.map((r: { revision: number }) => r.revision)).toEqual([2, 1]);
    });

    it('expires an update in place with a new change position, or by a new revision', async () => {
      const [flipped] = await app.db.query(
        `SELECT u.state, u.current_revision, r.state AS revision_state, r.change_seq, r.document->>'state' AS document_state
           FROM updates u JOIN update_revisions r USING (update_id) WHERE update_id = $1`,
        [expiredInPlace.updateId],
      );
      expect(flipped).toMatchObject({ state: 'expired', current_revision: 1, revision_state: 'expired', document_state: 'expired' });
      expect(BigInt(flipped.change_seq)).toBeGreaterThan(BigInt(seqBefore.get(expiredInPlace.updateId)!));
      const [byRevision] = await app.db.query('SELECT state, current_revision FROM updates WHERE update_id = $1', [expiredByRevision.updateId]);
      expect(byRevision).toEqual({ state: 'expired', current_revision: 2 });
    });

    it('keeps what it stored when a revision comes back with other content', async () => {
      const [row] = await app.db.query('SELECT title FROM updates WHERE update_id = $1', [conflicting.updateId]);
      expect(row.title).toBe(conflicting.title);
    });

    it('stores a late, lower revision as history without changing the current one', async () => {
      const late = { ...revised, revision: 1, title: revised.title };
      const history = { ...added, revision: 1 };
      const newer = { ...added, revision: 3, title: 'A brand new update, revision 3' };
      await configureUpstream(app, admin, { kind: 'feed', url: writeFeedDirectory([[newer], [late, history]]) });
      const res = await runSync(app, admin);
      expect(res).toMatchObject({ status: 'succeeded', revisedUpdates: 1, unchangedUpdates: 1, itemErrorCount: 0 });
      const rows = await app.db.query('SELECT revision FROM update_revisions WHERE update_id = $1 ORDER BY revision', [added.updateId]);
      expect(rows.map((r: { revision: number }) => r.revision)).toEqual([1, 3]);
      const [update] = await app.db.query('SELECT current_revision, title FROM updates WHERE update_id = $1', [added.updateId]);
      expect(update).toEqual({ current_revision: 3, title: 'A brand new update, revision 3' });
    });
  });

  describe('product and classification filters', () => {
    const matches = (item: FeedItem, products: string[], classifications: string[]) =>
      (classifications.length === 0 || classifications.includes(item.classification)) &&
      (products.length === 0 || item.products.some((p) => products.some((w) => p === w || p.startsWith(`${w}/`))));

    it.each([
      [['Linux'], []],
      [['Windows/Windows 11'], ['security', 'definition']],
      [[], ['driver']],
    ])('products %j, classifications %j: only matching items reach the catalog', async (products, classifications) => {
      await resetCatalog(app);
      await configureUpstream(app, admin, { kind: 'feed', url: SAMPLE_FEED_URL }, { products, classifications });
      const run = await runSync(app, admin);
      const kept = sampleItems.filter((i) => matches(i, products, classifications));
      const current = currentRevisions(kept);
      expect(kept.length).toBeGreaterThan(0);
      expect(run).toMatchObject({
        status: 'succeeded',
        newUpdates: current.size,
        progress: { itemsFiltered: sampleItems.length - kept.length },
        filters: { products, classifications },
      });
      const rows: { update_id: string; current_revision: number }[] = await app.db.query('SELECT update_id, current_revision FROM updates');
      expect(new Map(rows.map((r) => [r.update_id, r.current_revision]))).toEqual(new Map([...current].map(([id, i]) => [id, i.revision])));
    });
  });

  describe('item errors', () => {
    it('skips and records each invalid item, and the run succeeds', async () => {
      await resetCatalog(app);
      await configureUpstream(app, admin, { kind: 'feed', url: `file://${SAMPLE_FEED_DIR}/fixtures/item-errors/index.json` });
      const run = await runSync(app, admin);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 3, itemErrorCount: 4 });
      expect(run.itemErrors.map((e) => [e.updateId, e.reason.split(':')[0]])).toEqual([
        [expect.stringMatching(/^[0-9a-f-]{36}$/), 'files[0].sha256'],
        [expect.stringMatching(/^[0-9a-f-]{36}$/), 'classification'],
        ['not-a-uuid', 'updateId'],
        [null, 'item'],
      ]);
      expect(run.itemErrors[1].reason).toBe('classification: unknown value "hotfix"');
      const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM updates');
      expect(count).toBe(3);
    });

    it('keeps the first 1000 item errors and counts them all', async () => {
      await resetCatalog(app);
      const bad = Array.from({ length: 1100 }, () => ({ ...feedItem(), classification: 'hotfix' }));
      await configureUpstream(app, admin, { kind: 'feed', url: writeFeedDirectory([bad.slice(0, 600), bad.slice(600), [feedItem()]]) });
      const run = await runSync(app, admin);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 1, itemErrorCount: 1100 });
      expect(run.itemErrors).toHaveLength(1000);
      expect(run.itemErrors[999].updateId).toBe(bad[999].updateId);
    });
  });

  describe('the sync log', () => {
    it('lists runs newest first, pages without repeats, filters by status, and answers 404 for an unknown run', async () => {
      const all: SyncRun[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: SyncRun[]; nextCursor: string | null } } = await app.http.get(
          `/api/v1/sync/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          { token: admin },
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        expect(res.body.items[0]).not.toHaveProperty('itemErrors');
        all.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM sync_runs');
      expect(all).toHaveLength(count);
      expect(new Set(all.map((r) => r.id)).size).toBe(count);
      const queued = all.map((r) => new Date((r as unknown as { queuedAt: string }).queuedAt).getTime());
      expect(queued).toEqual([...queued].sort((a, b) => b - a));

      const succeeded = await app.http.get('/api/v1/sync/runs?status=succeeded&limit=500', { token: admin });
      expect(succeeded.body.items.length).toBe(all.filter((r) => r.status === 'succeeded').length);
      expect((await app.http.get('/api/v1/sync/runs?status=done', { token: admin })).status).toBe(400);
      expect((await app.http.get('/api/v1/sync/runs?cursor=bogus', { token: admin })).status).toBe(400);
      expect((await app.http.get('/api/v1/sync/runs/6b1c6a31-55b5-4c1e-9a57-1b8c3b8a1f00', { token: admin })).status).toBe(404);
    });

    it('is readable by auditors, who can neither start runs nor touch the configuration; approvers see nothing', async () => {
      const auditor = await userWithRole(app, Role.Auditor, admin);
      const approver = await userWithRole(app, Role.Approver, admin);
      const list = await app.http.get('/api/v1/sync/runs', { token: auditor.token });
      expect(list.status).toBe(200);
      expect((await app.http.get(`/api/v1/sync/runs/${list.body.items[0].id}`, { token: auditor.token })).status).toBe(200);
      const [{ count: runsBefore }] = await app.db.query('SELECT count(*)::int AS count FROM sync_runs');
      const post = await app.http.post('/api/v1/sync/runs', undefined, { token: auditor.token });
      expect(post.status).toBe(403);
      expect(post.headers.get('content-type')).toContain('application/problem+json');
      const [{ count: runsAfter }] = await app.db.query('SELECT count(*)::int AS count FROM sync_runs');
      expect(runsAfter).toBe(runsBefore);
      expect((await app.http.put('/api/v1/sync/config', { upstream: { kind: 'feed', url: SAMPLE_FEED_URL } }, { token: auditor.token })).status).toBe(403);
      expect((await app.http.get('/api/v1/sync/config', { token: auditor.token })).status).toBe(403);
      expect((await app.http.get('/api/v1/sync/runs', { token: approver.token })).status).toBe(403);
      expect((await app.http.get('/api/v1/sync/runs')).status).toBe(401);
    });
  });

  describe('one run at a time', () => {
    let server: FeedServer;

    beforeAll(async () => {
      server = await FeedServer.start();
      server.serveDirectory(SAMPLE_FEED_DIR);
    });
    afterAll(() => server.close());

    it('answers two simultaneous requests with one 202 and one 409 naming the active run', async () => {
      await resetCatalog(app);
      await configureUpstream(app, admin, { kind: 'feed', url: server.url('index.json') });
      // The first page waits until released, so the run is surely active while the second request arrives.
      server.answerWith((r) => (r.path === '/index.json' && r.count === 1 ? { hang: true } : undefined));
      const [a, b] = await Promise.all([app.http.post('/api/v1/sync/runs', undefined, { token: admin }), app.http.post('/api/v1/sync/runs', undefined, { token: admin })]);
      const accepted = [a, b].filter((r) => r.status === 202);
      const refused = [a, b].filter((r) => r.status === 409);
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(accepted[0].body).toEqual({ id: expect.any(String), status: 'queued' });
      expect(refused[0].headers.get('content-type')).toContain('application/problem+json');
      expect(refused[0].body).toMatchObject({ status: 409, activeRunId: accepted[0].body.id });
      const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM sync_runs');
      expect(count).toBe(1);

      // PostgreSQL itself refuses a second active run, whoever asks.
      await expect(
        app.db.query(`INSERT INTO sync_runs (trigger, status, upstream_kind, upstream_url) VALUES ('manual', 'queued', 'feed', 'file:///x')`),
      ).rejects.toThrow(/sync_runs_one_active_idx/);

      await waitForRun(app, admin, accepted[0].body.id, (r) => r.status === 'running');
      server.releaseAll();
      server.answerWith(null);
      // The hung first request is retried within the same fetch; the run completes.
      const done = await waitForRun(app, admin, accepted[0].body.id);
      expect(done).toMatchObject({ status: 'succeeded', newUpdates: sampleCurrent.size });
      expect((await app.http.post('/api/v1/sync/runs', undefined, { token: admin })).status).toBe(202);
    });
  });

  describe('configuration and schedule', () => {
    let syncQueue: Queue;
    const queue = () => syncQueue;
    beforeAll(() => {
      syncQueue = openQueue(app, QueueName.Sync);
    });
    afterAll(() => syncQueue.close());

    it('never returns the token, keeps it while the upstream stays the same, and says when the next sync is due', async () => {
      const put = await app.http.put(
        '/api/v1/sync/config',
        { upstream: { kind: 'patchgate', url: 'https://hq.example.com/upstream/v1/catalog', token: 'pgd_secret' }, schedule: '0 3 * * *', products: ['Windows'], classifications: ['security'] },
        { token: admin },
      );
      expect(put.status).toBe(200);
      expect(put.text).not.toContain('pgd_secret');
      const get = await app.http.get('/api/v1/sync/config', { token: admin });
      expect(get.body).toMatchObject({
        upstream: { kind: 'patchgate', url: 'https://hq.example.com/upstream/v1/catalog', hasToken: true },
        schedule: '0 3 * * *',
        products: ['Windows'],
        classifications: ['security'],
        updatedBy: 'admin',
      });
      expect(get.body.upstream).not.toHaveProperty('token');
      expect(new Date(get.body.nextRunAt).getUTCHours()).toBe(3);
      // Changing only the schedule keeps the token; a new upstream without a token has none.
      await app.http.put('/api/v1/sync/config', { upstream: { kind: 'patchgate', url: 'https://hq.example.com/upstream/v1/catalog' }, schedule: '30 2 * * *' }, { token: admin });
      const [stored] = await app.db.query('SELECT upstream_token FROM sync_config');
      expect(stored.upstream_token).toBe('pgd_secret');
      const missing = await app.http.put('/api/v1/sync/config', { upstream: { kind: 'patchgate', url: 'https://other.example.com/upstream/v1/catalog' } }, { token: admin });
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'upstream.token' })]);
    });

    it.each([
      [{ upstream: { kind: 'feed', url: 'ftp://mirror.example.com/index.json' } }, 'upstream.url'],
      [{ upstream: { kind: 'patchgate', url: 'file:///srv/feed/index.json', token: 'pgd_x' } }, 'upstream.url'],
      [{ upstream: { kind: 'feed', url: 'https://user:pw@mirror.example.com/index.json' } }, 'upstream.url'],
      [{ upstream: { kind: 'feed', url: 'index.json' } }, 'upstream.url'],
      [{ upstream: { kind: 'mirror', url: 'https://mirror.example.com/index.json' } }, 'upstream.kind'],
      [{ upstream: { kind: 'feed', url: SAMPLE_FEED_URL }, schedule: '61 * * * *' }, 'schedule'],
      [{ upstream: { kind: 'feed', url: SAMPLE_FEED_URL }, schedule: '* * * * * *' }, 'schedule'],
      [{ upstream: { kind: 'feed', url: SAMPLE_FEED_URL }, classifications: ['hotfix'] }, 'classifications'],
      [{ upstream: { kind: 'feed', url: SAMPLE_FEED_URL }, products: ['Windows//11'] }, 'products'],
      [{ upstream: { kind: 'feed', url: SAMPLE_FEED_URL }, surprise: true }, 'surprise'],
    ])('refuses %j naming %s', async (body, field) => {
      const before = await app.http.get('/api/v1/sync/config', { token: admin });
      const res = await app.http.put('/api/v1/sync/config', body, { token: admin });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect((await app.http.get('/api/v1/sync/config', { token: admin })).body).toEqual(before.body);
    });

    it('registers the schedule as one job scheduler under a fixed id, whatever the number of workers, and removes it', async () => {
      await configureUpstream(app, admin, { kind: 'feed', url: SAMPLE_FEED_URL }, { schedule: '*/5 * * * *' });
      const second = await createWorkerContext(app.config);
      try {
        await configureUpstream(app, admin, { kind: 'feed', url: SAMPLE_FEED_URL }, { schedule: '15 4 * * 1-5' });
        const schedulers = await queue().getJobSchedulers();
        expect(schedulers).toEqual([expect.objectContaining({ key: SYNC_SCHEDULER_ID, pattern: '15 4 * * 1-5', tz: 'UTC', name: JobName.ScheduledSync })]);
      } finally {
        await second.close();
      }
      await configureUpstream(app, admin, { kind: 'feed', url: SAMPLE_FEED_URL }, { schedule: null });
      expect(await queue().getJobSchedulers()).toEqual([]);
      expect((await app.http.get('/api/v1/sync/config', { token: admin })).body).toMatchObject({ schedule: null, nextRunAt: null });
    });

    it('a scheduled tick only queues a scheduled run, and none while a run is active', async () => {
      await resetCatalog(app);
      await configureUpstream(app, admin, { kind: 'feed', url: SAMPLE_FEED_URL });
      await queue().add(JobName.ScheduledSync, {});
      const deadline = Date.now() + 30_000;
      let runs: { id: string; trigger: string; status: string }[] = [];
      while (Date.now() < deadline) {
        runs = await app.db.query('SELECT id, trigger, status FROM sync_runs');
        if (runs.length === 1 && runs[0].status === 'succeeded') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(runs).toEqual([expect.objectContaining({ trigger: 'scheduled', status: 'succeeded' })]);
      expect((await getRun(app, admin, runs[0].id)).newUpdates).toBe(sampleCurrent.size);

      // A tick that was due while a run was active does nothing, even once that run is over.
      const active = await startRun(app, admin);
      const tick = await queue().add(JobName.ScheduledSync, {});
      await waitForRun(app, admin, active);
      const tickDeadline = Date.now() + 30_000;
      while (Date.now() < tickDeadline && (await queue().getJobState(tick.id!)) !== 'completed') await new Promise((r) => setTimeout(r, 50));
      expect(await queue().getJobState(tick.id!)).toBe('completed');
      const [{ count }] = await app.db.query(`SELECT count(*)::int AS count FROM sync_runs WHERE trigger = 'scheduled'`);
      expect(count).toBe(1);
    });
  });

  describe('before any upstream is configured', () => {
    it('refuses to start a run, and local mode points sync at the sample feed on first start only', async () => {
      const fresh = await startTestApp({ withWorker: true, env: { PATCHGATE_SAMPLE_FEED: 'true' } });
      try {
        const token = await fresh.login();
        const refused = await fresh.http.post('/api/v1/sync/runs', undefined, { token });
        expect(refused.status).toBe(409);
        expect(refused.body.type).toBe('urn:patchgate:problem:sync_not_configured');
        expect((await fresh.http.get('/api/v1/sync/config', { token })).body).toMatchObject({ upstream: null, schedule: null });

        const setup = fresh.app.get(SampleFeedSetup);
        const started = await setup.configureOnFirstStart();
        expect(started).toEqual({ url: SAMPLE_FEED_URL, syncRunId: expect.any(String) });
        const run = await waitForRun(fresh, token, started!.syncRunId);
        expect(run).toMatchObject({ status: 'succeeded', newUpdates: sampleCurrent.size });
        expect((await fresh.http.get('/api/v1/sync/config', { token })).body.upstream).toEqual({ kind: 'feed', url: SAMPLE_FEED_URL, hasToken: false });
        // A later start changes nothing: the upstream is configured.
        expect(await setup.configureOnFirstStart()).toBeNull();
      } finally {
        await fresh.close();
      }
    });
  });
});
