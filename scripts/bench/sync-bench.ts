/**
 * Catalog sync benchmark: a first sync of a 100,000-update synthetic feed, then an unchanged
 * re-sync, through the real API and worker, on a private PostgreSQL + Redis.
 *
 *   npm run bench:sync [-- --updates 100000]
 *
 * Starts its own services in a temp dir, generates the feed with the generator CLI (a separate
 * process, so its memory is not counted here), prints durations, rows/s and peak RSS, then stops
 * everything and removes the temp dir. Not a test: targets are read by a person.
 */
import { execFileSync } from 'node:child_process';
import { apiCaller } from './bench-api';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { INestApplicationContext } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { createApiApp } from '../../src/api-app';
import { AppConfig } from '../../src/infra/config/app-config';
import { LocalServices, startLocalServices } from '../../src/infra/services/local-services';
import { createWorkerContext } from '../../src/worker-app';

const TARGETS = { firstSeconds: 60, unchangedSeconds: 10 };

interface RunRow {
  status: string;
  error: string | null;
  seconds: number;
  new_updates: number;
  revised_updates: number;
  expired_updates: number;
  unchanged_updates: number;
  items_processed: number;
  pages_processed: number;
  item_error_count: number;
}

function updatesFromArgs(argv: string[]): number {
  const i = argv.indexOf('--updates');
  const raw = i >= 0 ? argv[i + 1] : '100000';
  if (!raw || !/^\d+$/.test(raw)) throw new Error('--updates needs a number');
  return Number(raw);
}

async function main(): Promise<void> {
  const updates = updatesFromArgs(process.argv.slice(2));
  const root = mkdtempSync(join(tmpdir(), 'patchgate-sync-bench-'));
  let services: LocalServices | undefined;
  let api: NestFastifyApplication | undefined;
  let worker: INestApplicationContext | undefined;
  let db: Client | undefined;
  try {
    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM ` +
      `(${(freemem() / 2 ** 30).toFixed(1)} GiB free), node ${process.version}`);
    services = await startLocalServices({ dataDir: join(root, 'services'), log: () => undefined });

    const feedDir = join(root, 'feed');
    const generator = resolve(__dirname, '../generate-feed.js');
    const startedGenerating = Date.now();
    execFileSync(process.execPath, [generator, '--updates', String(updates), '--out', feedDir], { stdio: 'ignore' });
    console.log(`feed: ${updates} updates generated in ${((Date.now() - startedGenerating) / 1000).toFixed(1)} s`);
    const feedUrl = pathToFileURL(join(feedDir, 'index.json')).href;

    const password = randomBytes(12).toString('hex');
    const config = AppConfig.fromEnvironment({
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PATCHGATE_ADMIN_USER: 'bench',
      PATCHGATE_ADMIN_PASSWORD: password,
      PATCHGATE_REDIS_PREFIX: 'bench',
      LOG_LEVEL: 'warn',
    });
    api = (await createApiApp(config)).app;
    await api.listen({ port: 0, host: '127.0.0.1' });
    worker = await createWorkerContext(config);
    const address = api.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    const call = apiCaller(base);
    const { accessToken } = (await call('POST', '/api/v1/auth/login', { username: 'bench', password })) as { accessToken: string };
    await call('PUT', '/api/v1/sync/config', { upstream: { kind: 'feed', url: feedUrl } }, accessToken);

    db = new Client({ connectionString: services.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    const sql = db;
    const sync = async (label: string): Promise<RunRow> => {
      const { id } = (await call('POST', '/api/v1/sync/runs', undefined, accessToken)) as { id: string };
      for (;;) {
        const { rows } = await sql.query<RunRow>(
          `SELECT status, error, extract(epoch FROM finished_at - queued_at)::float8 AS seconds, new_updates, revised_updates,
                  expired_updates, unchanged_updates, items_processed, pages_processed, item_error_count
             FROM sync_runs WHERE id = $1`,
          [id],
        );
        const run = rows[0];
        if (run.status === 'succeeded' || run.status === 'failed') {
          if (run.status === 'failed') throw new Error(`${label} failed: ${run.error}`);
          const rate = Math.round(run.items_processed / run.seconds);
          console.log(
            `${label}: ${run.seconds.toFixed(2)} s, ${run.items_processed} items in ${run.pages_processed} pages, ${rate} items/s; ` +
              `${run.new_updates} new, ${run.revised_updates} revised, ${run.expired_updates} expired, ${run.unchanged_updates} unchanged, ` +
              `${run.item_error_count} item errors`,
          );
          return run;
        }
        await new Promise((done) => setTimeout(done, 100));
      }
    };
    const first = await sync('first sync    ');
    const { rows: counts } = await db.query<{ updates: number; revisions: number }>(
      'SELECT (SELECT count(*)::int FROM updates) AS updates, (SELECT count(*)::int FROM update_revisions) AS revisions',
    );
    const versionsBefore = await db.query(`SELECT (SELECT last_value FROM catalog_change_seq)::text AS seq`);
    const unchanged = await sync('unchanged sync');
    const versionsAfter = await db.query(`SELECT (SELECT last_value FROM catalog_change_seq)::text AS seq`);
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(`catalog: ${counts[0].updates} updates, ${counts[0].revisions} revisions; change sequence ` +
      `${versionsBefore.rows[0].seq === versionsAfter.rows[0].seq ? 'unmoved' : 'MOVED'} by the unchanged sync`);
    console.log(`peak RSS (API + worker, one process): ${peakRssMiB.toFixed(0)} MiB`);
    console.log(
      `targets: first sync <= ${TARGETS.firstSeconds} s: ${first.seconds <= TARGETS.firstSeconds ? 'met' : 'MISSED'}; ` +
        `unchanged sync <= ${TARGETS.unchangedSeconds} s: ${unchanged.seconds <= TARGETS.unchangedSeconds ? 'met' : 'MISSED'}`,
    );
  } catch (error) {
    // Shown before the services stop: stopping them makes open connections fail loudly.
    console.error(error);
    process.exitCode = 1;
  } finally {
    await db?.end().catch(() => undefined);
    await api?.close().catch((error: unknown) => console.error('API close failed:', error));
    await worker?.close().catch((error: unknown) => console.error('worker close failed:', error));
    await services?.stop().catch((error: unknown) => console.error('service stop failed:', error));
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
