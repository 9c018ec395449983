import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { feedItem, writeFeedDirectory } from '../factories/catalog.factory';
import { FeedServer } from '../support/feed-server';
import { configureUpstream, runSync } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 18 item 11, with the deployment defaults the harness otherwise relaxes: no upstream on a
 * loopback or private address, no file:// outside PATCHGATE_FILE_URL_ROOT. Nothing is requested.
 */
describe('outbound policy (PATCHGATE_ALLOW_PRIVATE_UPSTREAMS off, PATCHGATE_FILE_URL_ROOT elsewhere)', () => {
  let app: TestApp;
  let admin: string;
  let server: FeedServer;

  beforeAll(async () => {
    const root = mkdtempSync(join(process.env.PATCHGATE_TEST_DATA_DIR ?? tmpdir(), 'file-root-'));
    app = await startTestApp({ withWorker: true, env: { PATCHGATE_ALLOW_PRIVATE_UPSTREAMS: 'false', PATCHGATE_FILE_URL_ROOT: root } });
    admin = await app.login();
    server = await FeedServer.start();
    server.setPage('index.json', { items: [feedItem()], nextCursor: null });
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });

  it('refuses a feed on a loopback address, by literal address and by name, without requesting it', async () => {
    await configureUpstream(app, admin, { kind: 'feed', url: server.url('index.json') });
    const literal = await runSync(app, admin);
    expect(literal.status).toBe('failed');
    expect(literal.error).toBe(`${server.url('index.json')}: ${new URL(server.baseUrl).host} is a loopback, link-local or private address: refused (PATCHGATE_ALLOW_PRIVATE_UPSTREAMS)`);

    const byName = server.url('index.json').replace('127.0.0.1', 'localhost');
    await configureUpstream(app, admin, { kind: 'feed', url: byName });
    const named = await runSync(app, admin);
    expect(named.status).toBe('failed');
    expect(named.error).toBe(`GET ${byName}: localhost resolves to a loopback, link-local or private address: refused (PATCHGATE_ALLOW_PRIVATE_UPSTREAMS)`);
    expect(server.requests).toEqual([]);
  });

  it('refuses a file:// feed outside PATCHGATE_FILE_URL_ROOT', async () => {
    await configureUpstream(app, admin, { kind: 'feed', url: writeFeedDirectory([[feedItem()]]) });
    const run = await runSync(app, admin);
    expect(run.status).toBe('failed');
    expect(run.error).toBe('file:// URL: file:// URL is outside PATCHGATE_FILE_URL_ROOT: refused');
    const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM updates');
    expect(count).toBe(0);
  });
});
