import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../../src/infra/queue/queue-names';
import { syncRunJobId } from '../../src/modules/catalog/sync/sync-queue';
import { createWorkerContext } from '../../src/worker-app';
import { currentRevisions, readSampleFeed, SAMPLE_FEED_DIR } from '../factories/catalog.factory';
import { FeedServer } from '../support/feed-server';
import { catalogChecksum, configureUpstream, openQueue, runSync, startRun, SyncRun, waitForRun } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const samplePages = readSampleFeed();
const sampleUpdates = currentRevisions(samplePages.flatMap((p) => p.items));
// Updates whose revisions sit on both sides of the interruption: they must still count once, as new.
const split = samplePages
  .slice(0, 2)
  .flatMap((p) => p.items)
  .filter((early) => samplePages.slice(2).some((p) => p.items.some((late) => late.updateId === early.updateId)));

/**
 * A run stopped after page 2 (its worker shut down while page 3 hung) continues from page 3,
 * and ends with the catalog and counts of a run that was never stopped.
 */
describe('catalog sync resumption', () => {
  let server: FeedServer;
  let clean: { checksum: Awaited<ReturnType<typeof catalogChecksum>>; run: SyncRun };
  let app: TestApp;
  let admin: string;
  const workers: INestApplicationContext[] = [];
  let syncQueue: Queue;

  const startWorker = async () => {
    const worker = await createWorkerContext(app.config);
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    server = await FeedServer.start();
    server.serveDirectory(SAMPLE_FEED_DIR);
    // The reference: an uninterrupted run of the same feed, from the same URL, on another server.
    const reference = await startTestApp({ withWorker: true });
    try {
      const token = await reference.login();
      await configureUpstream(reference, token, { kind: 'feed', url: server.url('index.json') });
      const run = await runSync(reference, token);
      expect(run.status).toBe('succeeded');
      clean = { checksum: await catalogChecksum(reference.db), run };
    } finally {
      await reference.close();
    }
    // The server under test: API only; the test starts and stops its workers.
    app = await startTestApp({ withWorker: false, env: { PATCHGATE_SYNC_HTTP_TIMEOUT_MS: '60000' } });
    admin = await app.login();
    await configureUpstream(app, admin, { kind: 'feed', url: server.url('index.json') });
    syncQueue = openQueue(app, QueueName.Sync);
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close().catch(() => undefined);
  });
  afterAll(async () => {
    await syncQueue.close();
    await app.close();
    await server.close();
  });
  beforeEach(async () => {
    await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, sync_runs CASCADE');
    server.answerWith(null);
  });

  /** Starts a run whose page 3 hangs, and stops its worker once pages 1 and 2 are committed. */
  async function interruptAfterPage2(): Promise<string> {
    expect(split.length).toBeGreaterThan(0);
    server.answerWith((r) => (r.path === '/page-0003.json' ? { hang: true } : undefined));
    const worker = await startWorker();
    const id = await startRun(app, admin);
    await waitForRun(app, admin, id, (r) => r.progress.pagesProcessed === 2 && server.requestsFor('page-0003.json').length > 0);
    await worker.close();

    const [row] = await app.db.query('SELECT status, pages_processed, next_page, new_updates FROM sync_runs WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'running', pages_processed: 2, next_page: server.url('page-0003.json'), new_updates: expect.any(Number) });
    const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM update_revisions');
    expect(count).toBe(samplePages[0].items.length + samplePages[1].items.length);
    server.releaseAll();
    server.answerWith(null);
    return id;
  }

  async function expectSameAsClean(id: string): Promise<void> {
    const run = await waitForRun(app, admin, id);
    expect(run).toMatchObject({
      status: 'succeeded',
      newUpdates: sampleUpdates.size,
      revisedUpdates: clean.run.revisedUpdates,
      expiredUpdates: clean.run.expiredUpdates,
      unchangedUpdates: clean.run.unchangedUpdates,
      itemErrorCount: 0,
      progress: clean.run.progress,
    });
    expect(await catalogChecksum(app.db)).toEqual(clean.checksum);
    // Committed pages were not read again.
    expect(server.requests.map((r) => r.path)).toEqual(['/page-0003.json', '/page-0004.json']);
  }

  it('a worker shut down mid-run hands the job back; the next worker continues at the next page', async () => {
    const id = await interruptAfterPage2();
    expect(await syncQueue.getJobState(syncRunJobId(id))).toBe('waiting');
    await startWorker();
    await expectSameAsClean(id);
  });

  it('a running run whose job Redis lost is given a job again when a worker starts', async () => {
    const id = await interruptAfterPage2();
    await (await syncQueue.getJob(syncRunJobId(id)))!.remove();
    expect(await syncQueue.getJob(syncRunJobId(id))).toBeUndefined();
    await startWorker();
    await expectSameAsClean(id);
  });

  it('a queued run whose job Redis lost is enqueued again when the API starts', async () => {
    const id = await startRun(app, admin);
    await (await syncQueue.getJob(syncRunJobId(id)))!.remove();
    // A second API process starts (a restart, or another replica) on the same database and Redis.
    const restarted = await startTestApp({ withWorker: false, environment: app.environment });
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (await syncQueue.getJobState(syncRunJobId(id))) !== 'waiting') await new Promise((r) => setTimeout(r, 50));
      expect(await syncQueue.getJobState(syncRunJobId(id))).toBe('waiting');
    } finally {
      await restarted.close();
    }
    await startWorker();
    const run = await waitForRun(app, admin, id);
    expect(run).toMatchObject({ status: 'succeeded', newUpdates: sampleUpdates.size });
    expect(await catalogChecksum(app.db)).toEqual(clean.checksum);
  });
});
