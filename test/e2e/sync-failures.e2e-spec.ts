import { currentRevisions, readSampleFeed, SAMPLE_FEED_DIR } from '../factories/catalog.factory';
import { FeedAnswer, FeedRequest, FeedServer } from '../support/feed-server';
import { catalogChecksum, configureUpstream, runSync, SyncRun } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const MAX_PAGE_BYTES = 256 * 1024;
const samplePages = readSampleFeed();
const page1Updates = currentRevisions(samplePages[0].items);

/**
 * Each failure is served by a loopback upstream on page 2 of the sample feed: page 1 commits,
 * page 2 fails the run, and the catalog holds exactly page 1.
 */
describe('catalog sync failures', () => {
  let app: TestApp;
  let admin: string;
  let server: FeedServer;

  beforeAll(async () => {
    app = await startTestApp({
      withWorker: true,
      env: {
        PATCHGATE_SYNC_HTTP_TIMEOUT_MS: '400',
        PATCHGATE_SYNC_HTTP_ATTEMPTS: '3',
        PATCHGATE_SYNC_RETRY_DELAY_MS: '20',
        PATCHGATE_SYNC_MAX_PAGE_BYTES: String(MAX_PAGE_BYTES),
      },
    });
    admin = await app.login();
    server = await FeedServer.start();
    server.serveDirectory(SAMPLE_FEED_DIR);
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });
  beforeEach(async () => {
    await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, sync_runs CASCADE');
    server.answerWith(null);
  });
  afterEach(() => server.releaseAll());

  /** Syncs the sample feed over HTTP with page 2 answered by `failure`. */
  async function syncWithPage2(failure: (request: FeedRequest) => FeedAnswer | undefined): Promise<SyncRun> {
    await configureUpstream(app, admin, { kind: 'feed', url: server.url('index.json') });
    server.answerWith((request) => (request.path === '/page-0002.json' ? failure(request) : undefined));
    return runSync(app, admin);
  }

  /** The catalog holds page 1 and nothing of the failed page. */
  async function expectOnlyPage1(run: SyncRun): Promise<void> {
    expect(run).toMatchObject({ status: 'failed', newUpdates: page1Updates.size, progress: { pagesProcessed: 1, itemsProcessed: samplePages[0].items.length } });
    expect(run.finishedAt).not.toBeNull();
    const rows: { update_id: string }[] = await app.db.query('SELECT update_id FROM updates');
    expect(new Set(rows.map((r) => r.update_id))).toEqual(new Set(page1Updates.keys()));
    const [{ revisions }] = await app.db.query('SELECT count(*)::int AS revisions FROM update_revisions');
    expect(revisions).toBe(samplePages[0].items.length);
    expect(server.requestsFor('page-0003.json')).toHaveLength(0);
  }

  it('HTTP 500: retried, then the run fails naming the page and the status, never the body', async () => {
    const run = await syncWithPage2(() => ({ status: 500, body: JSON.stringify({ detail: 'mirror storage offline' }), headers: { 'content-type': 'application/problem+json' } }));
    expect(run.error).toBe(`GET ${server.url('page-0002.json')}: HTTP 500 Internal Server Error (after 3 attempts)`);
    expect(server.requestsFor('page-0002.json')).toHaveLength(3);
    await expectOnlyPage1(run);
  });

  it('a transient 503 that clears up within the retries does not fail the run', async () => {
    const run = await syncWithPage2((r) => (r.count < 3 ? { status: 503 } : undefined));
    expect(run).toMatchObject({ status: 'succeeded', newUpdates: currentRevisions(samplePages.flatMap((p) => p.items)).size });
  });

  it('HTTP 404: not retried', async () => {
    const run = await syncWithPage2(() => ({ status: 404, body: 'no such page' }));
    expect(run.error).toBe(`GET ${server.url('page-0002.json')}: HTTP 404 Not Found`);
    expect(server.requestsFor('page-0002.json')).toHaveLength(1);
    await expectOnlyPage1(run);
  });

  it('a timeout: an upstream that never answers, or stalls mid-body', async () => {
    const hang = await syncWithPage2(() => ({ hang: true }));
    expect(hang.error).toBe(`GET ${server.url('page-0002.json')}: no complete answer within 400 ms (timed out) (after 3 attempts)`);
    await expectOnlyPage1(hang);

    await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, sync_runs CASCADE');
    const stall = await syncWithPage2(() => ({ stall: true }));
    expect(stall.error).toMatch(/timed out/);
    await expectOnlyPage1(stall);
  });

  it('a connection reset on every attempt', async () => {
    const run = await syncWithPage2(() => ({ reset: true }));
    expect(run.error).toMatch(new RegExp(`^GET ${server.url('page-0002.json')}: .+ \\(after 3 attempts\\)$`));
    await expectOnlyPage1(run);
  });

  it('malformed JSON, over HTTP and from the file:// fixture', async () => {
    const run = await syncWithPage2(() => ({ status: 200, body: '{"items": [{"updateId": "x"' }));
    expect(run.error).toBe(`page ${server.url('page-0002.json')} is malformed: page is not valid JSON (at byte 27)`);
    await expectOnlyPage1(run);

    await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, sync_runs CASCADE');
    const fixture = `file://${SAMPLE_FEED_DIR}/fixtures/malformed-page`;
    await configureUpstream(app, admin, { kind: 'feed', url: `${fixture}/index.json` });
    const fromFile = await runSync(app, admin);
    expect(fromFile).toMatchObject({ status: 'failed', newUpdates: 2, progress: { pagesProcessed: 1 } });
    expect(fromFile.error).toMatch(new RegExp(`^page ${fixture}/page-0002.json is malformed: page is not valid JSON`));
    const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM updates');
    expect(count).toBe(2);
  });

  it('a page envelope without items, or with a nextCursor that loops back', async () => {
    const noItems = await syncWithPage2(() => ({ status: 200, body: '{"nextCursor": null}' }));
    expect(noItems.error).toBe(`page ${server.url('page-0002.json')} is malformed: page.items is missing`);
    await expectOnlyPage1(noItems);

    await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, sync_runs CASCADE');
    const loop = await syncWithPage2(() => ({ status: 200, body: JSON.stringify({ items: samplePages[1].items, nextCursor: './index.json' }) }));
    expect(loop.error).toBe(`page ${server.url('page-0002.json')} is malformed: nextCursor leads back to ${server.url('index.json')}, a page already read in this sync (a loop)`);
    await expectOnlyPage1(loop);
  });

  it('a nextCursor that sends an http feed to the server\'s own files', async () => {
    const run = await syncWithPage2(() => ({ status: 200, body: JSON.stringify({ items: samplePages[1].items, nextCursor: 'file:///etc/passwd' }) }));
    expect(run.error).toBe(`page ${server.url('page-0002.json')} is malformed: page.nextCursor "file:///etc/passwd" resolves to an unusable file: URL`);
    await expectOnlyPage1(run);
  });

  it('a page over the size limit, declared or streamed without a length', async () => {
    const oversized = JSON.stringify({ items: samplePages[1].items, nextCursor: null, padding: 'x'.repeat(MAX_PAGE_BYTES) });
    const declared = await syncWithPage2(() => ({ status: 200, body: oversized }));
    expect(declared.error).toBe(`${server.url('page-0002.json')}: page is larger than the limit of ${MAX_PAGE_BYTES} bytes (PATCHGATE_SYNC_MAX_PAGE_BYTES)`);
    expect(server.requestsFor('page-0002.json')).toHaveLength(1);
    await expectOnlyPage1(declared);

    await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, sync_runs CASCADE');
    const streamed = await syncWithPage2(() => ({ chunked: oversized }));
    expect(streamed.error).toBe(declared.error);
    await expectOnlyPage1(streamed);
  });

  it('a failed run leaves what it committed, and the next sync completes the catalog like a clean sync', async () => {
    const failed = await syncWithPage2(() => ({ status: 500 }));
    expect(failed.status).toBe('failed');
    server.answerWith(null);
    const next = await runSync(app, admin);
    const all = currentRevisions(samplePages.flatMap((p) => p.items));
    expect(next).toMatchObject({ status: 'succeeded', newUpdates: all.size - page1Updates.size, unchangedUpdates: page1Updates.size });
    const afterRecovery = await catalogChecksum(app.db);

    await app.db.query('TRUNCATE update_revisions, updates, products, sync_run_updates, sync_runs CASCADE');
    const clean = await runSync(app, admin);
    expect(clean).toMatchObject({ status: 'succeeded', newUpdates: all.size });
    expect(await catalogChecksum(app.db)).toEqual(afterRecovery);
  });
});
