import { INestApplicationContext } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { APT_PAGE_SIZE, uuidV5 } from '../../src/modules/catalog/sync/upstreams/apt/apt-archive-reader';
import { createWorkerContext } from '../../src/worker-app';
import { AptArchive, AptArchiveServer } from '../support/apt-archive';
import { eventually } from '../support/eventually';
import { catalogChecksum, startRun, SyncRun, waitForRun } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const SOURCES = 2 * APT_PAGE_SIZE + 100;
const DAY = 24 * 3600 * 1000;

/**
 * A worker stopped in the middle of an apt sync (page 2 of 3 held open by a lock, then the
 * worker shut down): the next worker resumes the run, and the catalog ends as a clean run makes it.
 */
describe('apt upstream: a crash mid-sync resumes to the same catalog', () => {
  let archive: AptArchive;
  let server: AptArchiveServer;
  let app: TestApp;
  let admin: string;
  const workers: INestApplicationContext[] = [];
  let clean: { checksum: Awaited<ReturnType<typeof catalogChecksum>>; run: SyncRun; apt: string };

  const upstream = () => ({
    kind: 'apt',
    sources: [{ url: server.baseUrl, suites: ['bookworm'], components: ['main'] }],
    architectures: ['amd64'],
    keyring: archive.key.armoredPublicKey,
  });
  const aptRows = async (db: DataSource) =>
    JSON.stringify(
      await db.query(`SELECT
        (SELECT md5(string_agg(concat_ws('|', update_id, revision, package, architecture, filename, sha256, stanza), ',' ORDER BY update_id, package)) FROM apt_packages) AS packages,
        (SELECT md5(string_agg(concat_ws('|', update_id, release_key, source, version), ',' ORDER BY update_id)) FROM apt_updates) AS updates,
        (SELECT count(*) FROM updates WHERE baseline) AS baseline,
        (SELECT string_agg(concat_ws('|', suite, release_date, release_sha256), ',') FROM apt_suites) AS suites`),
    );

  beforeAll(async () => {
    archive = await AptArchive.create();
    const packages = Array.from({ length: SOURCES }, (_, i) => archive.stanzaOnly({ package: `pkg${String(i).padStart(4, '0')}`, version: `1.${i}-1`, architecture: 'amd64' }));
    await archive.publishSuite({ suite: 'bookworm', version: '12.7', date: new Date(Date.now() - DAY), architectures: ['amd64'], components: { main: packages } });
    server = await AptArchiveServer.start(archive.files);

    const reference = await startTestApp({ withWorker: true });
    try {
      const token = await reference.login();
      expect((await reference.http.put('/api/v1/sync/config', { upstream: upstream() }, { token })).status).toBe(200);
      const run = await waitForRun(reference, token, await startRun(reference, token));
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: SOURCES });
      clean = { checksum: await catalogChecksum(reference.db), run, apt: await aptRows(reference.db) };
    } finally {
      await reference.close();
    }
    app = await startTestApp({ withWorker: false });
    admin = await app.login();
    expect((await app.http.put('/api/v1/sync/config', { upstream: upstream() }, { token: admin })).status).toBe(200);
  });
  afterAll(async () => {
    for (const worker of workers.splice(0)) await worker.close().catch(() => undefined);
    await app?.close();
    await server?.close();
    archive?.close();
  });

  it('resumes at the next page and ends with the clean run\'s catalog, counts and apt rows', async () => {
    // Hold page 2 open: an uncommitted row with the key page 2 inserts makes its transaction wait.
    const ids = Array.from({ length: SOURCES }, (_, i) => uuidV5(`debian/bookworm/pkg${String(i).padStart(4, '0')}/1.${i}-1`)).sort();
    const blocker: QueryRunner = app.db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(`INSERT INTO apt_updates (update_id, release_key, source, version) VALUES ($1, 'blocker', 'blocker', '0')`, [ids[APT_PAGE_SIZE]]);

    const first = await createWorkerContext(app.config);
    workers.push(first);
    const id = await startRun(app, admin);
    await waitForRun(app, admin, id, (r) => r.progress.pagesProcessed === 1);
    // Page 2's transaction is open and waiting on the blocker's row.
    await eventually(
      async () => (await app.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO apt_updates%'`))[0].n,
      (n: number) => n > 0,
    );
    const closing = first.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await blocker.rollbackTransaction();
    await blocker.release();
    await closing;
    workers.splice(0);

    const [row] = await app.db.query('SELECT status, pages_processed, next_page FROM sync_runs WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'running', pages_processed: 2, next_page: expect.stringMatching(/^apt:2:[0-9a-f]{64}$/) });
    const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM updates');
    expect(count).toBe(2 * APT_PAGE_SIZE);

    workers.push(await createWorkerContext(app.config));
    const run = await waitForRun(app, admin, id);
    expect(run).toMatchObject({ status: 'succeeded', newUpdates: SOURCES, revisedUpdates: 0, expiredUpdates: 0, itemErrorCount: 0 });
    expect(await catalogChecksum(app.db)).toEqual(clean.checksum);
    expect(await aptRows(app.db)).toEqual(clean.apt);
  });
});
