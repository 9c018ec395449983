/**
 * APT sync benchmark: a full Debian 12 amd64 metadata sync of main + updates + security, served
 * over loopback from this machine's real apt lists (/var/lib/apt/lists, after `apt-get update`),
 * through the real API and worker on a private PostgreSQL + Redis; then an unchanged re-sync.
 *
 *   npm run bench:apt
 *
 * The lists hold each suite's signed InRelease and its Packages, lz4-compressed by apt: the bench
 * serves the real InRelease (verified against /usr/share/keyrings/debian-archive-keyring.gpg, as
 * in production) and Packages decompressed (`apt-helper cat-file`) at its path and by-hash path,
 * which is the uncompressed variant the InRelease lists; the sync falls back to it after asking
 * for .gz and .xz (404). The API (`dist/src/main.js`) and the worker (`dist/src/worker.js`) run
 * as separate processes, as in production; the figure that matters is the worker's peak resident
 * memory (VmHWM) during the sync, the API's is reported beside it. The file server runs in a child
 * process of its own, so its memory is not counted.
 * Not a test: targets are read by a person (docs/benchmarks.md).
 */
import { execFileSync, fork } from 'node:child_process';
import { apiCaller } from './bench-api';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LocalServices, startLocalServices } from '../../src/infra/services/local-services';
import { productionNodeArgs, Started, startNode } from './bench-processes';

const TARGETS = { firstSeconds: 60, unchangedSeconds: 2, peakRssMiB: 400 };
/** The worker runs with its production flags (`npm run start:worker`, bench-processes.ts); BENCH_WORKER_NODE_ARGS adds flags after them. */
const WORKER_NODE_ARGS = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const LISTS = '/var/lib/apt/lists';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const SUITES = [
  { base: 'debian', suite: 'bookworm', prefix: 'deb.debian.org_debian_dists_bookworm' },
  { base: 'debian', suite: 'bookworm-updates', prefix: 'deb.debian.org_debian_dists_bookworm-updates' },
  { base: 'debian-security', suite: 'bookworm-security', prefix: 'deb.debian.org_debian-security_dists_bookworm-security' },
];

/** The child: serves the files with ETag / Last-Modified and 304, like a mirror. */
function serve(): void {
  const files = new Map<string, Buffer>();
  for (const { base, suite, prefix } of SUITES) {
    const inRelease = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', join(LISTS, `${prefix}_InRelease`)], { maxBuffer: 1 << 30 });
    const packages = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', join(LISTS, `${prefix}_main_binary-amd64_Packages.lz4`)], { maxBuffer: 1 << 30 });
    const sha = createHash('sha256').update(packages).digest('hex');
    const listed = inRelease.toString('utf8').includes(`${sha} ${String(packages.length).padStart(0)}`) || inRelease.toString('utf8').includes(sha);
    if (!listed) process.send?.({ warning: `${suite}: the decompressed Packages (${sha}) is not the one its InRelease lists: the sync will refuse it` });
    files.set(`/${base}/dists/${suite}/InRelease`, inRelease);
    files.set(`/${base}/dists/${suite}/main/binary-amd64/Packages`, packages);
    files.set(`/${base}/dists/${suite}/main/binary-amd64/by-hash/SHA256/${sha}`, packages);
  }
  const started = new Date().toUTCString();
  let bytesServed = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/stats') return res.end(JSON.stringify({ bytesServed }));
    const body = files.get(path);
    if (!body) {
      res.writeHead(404);
      return res.end();
    }
    const etag = `"${createHash('sha256').update(path).update(String(body.length)).digest('hex').slice(0, 24)}"`;
    if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === started) {
      res.writeHead(304, { etag, 'last-modified': started });
      return res.end();
    }
    bytesServed += body.length;
    res.writeHead(200, { 'content-length': String(body.length), etag, 'last-modified': started });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as { port: number }).port }));
}

async function startFileServer(): Promise<{ base: string; stop: () => void; stats: () => Promise<{ bytesServed: number }> }> {
  const child = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { port?: number; warning?: string }) => {
      if (m.warning) console.warn(`warning: ${m.warning}`);
      if (m.port) resolve(m.port);
    });
    child.on('exit', (code) => reject(new Error(`file server exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return { base, stop: () => child.kill(), stats: async () => (await (await fetch(`${base}/stats`)).json()) as { bytesServed: number } };
}

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
}

async function main(): Promise<void> {
  for (const { suite, prefix } of SUITES) {
    if (!existsSync(join(LISTS, `${prefix}_InRelease`))) throw new Error(`${suite}: no lists in ${LISTS}; run apt-get update first`);
  }
  const root = mkdtempSync(join(tmpdir(), 'patchgate-apt-bench-'));
  let services: LocalServices | undefined;
  const started: Started[] = [];
  let db: Client | undefined;
  let files: Awaited<ReturnType<typeof startFileServer>> | undefined;
  try {
    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM ` +
      `(${(freemem() / 2 ** 30).toFixed(1)} GiB free), node ${process.version}`);
    files = await startFileServer();
    services = await startLocalServices({ dataDir: join(root, 'services'), log: () => undefined });
    const keyring = execFileSync('gpg', ['--no-default-keyring', '--keyring', KEYRING, '--export', '--armor'], { encoding: 'utf8', env: { ...process.env, GNUPGHOME: root } });

    const password = randomBytes(12).toString('hex');
    const env = {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PATCHGATE_ADMIN_USER: 'bench',
      PATCHGATE_ADMIN_PASSWORD: password,
      PATCHGATE_REDIS_PREFIX: 'bench',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
    };
    // The API first: it runs the migrations the worker expects.
    const api = await startNode('src/main.js', { ...env, PORT: '0' }, /listening on [\d.]+:(\d+)/);
    started.push(api);
    const worker = await startNode('src/worker.js', env, /Patchgate worker (started)/, WORKER_NODE_ARGS);
    started.push(worker);
    const base = `http://127.0.0.1:${api.port}`;
    const call = apiCaller(base);
    const { accessToken } = (await call('POST', '/api/v1/auth/login', { username: 'bench', password })) as { accessToken: string };
    await call('PUT', '/api/v1/sync/config', {
      upstream: {
        kind: 'apt',
        sources: [
          { url: `${files.base}/debian`, suites: ['bookworm', 'bookworm-updates'], components: ['main'] },
          { url: `${files.base}/debian-security`, suites: ['bookworm-security'], components: ['main'] },
        ],
        architectures: ['amd64'],
        keyring,
      },
    }, accessToken);

    db = new Client({ connectionString: services.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    const sql = db;
    const writes = async () =>
      (await sql.query(`SELECT (SELECT last_value FROM catalog_change_seq)::text AS seq,
        (SELECT coalesce(max(xmin::text::bigint), 0) FROM updates)::text AS updates, (SELECT coalesce(max(xmin::text::bigint), 0) FROM update_revisions)::text AS revisions,
        (SELECT coalesce(max(xmin::text::bigint), 0) FROM apt_packages)::text AS packages, (SELECT coalesce(max(xmin::text::bigint), 0) FROM apt_suites)::text AS suites,
        (SELECT coalesce(max(xmin::text::bigint), 0) FROM apt_updates)::text AS apt_updates`)).rows[0];
    const sync = async (label: string): Promise<RunRow> => {
      const served = (await files!.stats()).bytesServed;
      const { id } = (await call('POST', '/api/v1/sync/runs', undefined, accessToken)) as { id: string };
      for (;;) {
        const { rows } = await sql.query<RunRow>(
          `SELECT status, error, extract(epoch FROM finished_at - started_at)::float8 AS seconds, new_updates, revised_updates,
                  expired_updates, unchanged_updates, items_processed, pages_processed
             FROM sync_runs WHERE id = $1`,
          [id],
        );
        const run = rows[0];
        if (run.status === 'succeeded' || run.status === 'failed') {
          if (run.status === 'failed') throw new Error(`${label} failed: ${run.error}`);
          const bytes = (await files!.stats()).bytesServed - served;
          console.log(
            `${label}: ${run.seconds.toFixed(2)} s, ${run.items_processed} updates in ${run.pages_processed} pages; ` +
              `${run.new_updates} new, ${run.revised_updates} revised, ${run.expired_updates} expired, ${run.unchanged_updates} unchanged; ` +
              `${(bytes / 2 ** 20).toFixed(1)} MiB fetched`,
          );
          return run;
        }
        await new Promise((done) => setTimeout(done, 100));
      }
    };
    const rssBefore = { api: rssMiB(api), worker: rssMiB(worker) };
    const first = await sync('first sync    ');
    const { rows: [counts] } = await db.query(
      `SELECT (SELECT count(*)::int FROM updates) AS updates, (SELECT count(*)::int FROM updates WHERE baseline) AS baseline,
              (SELECT count(*)::int FROM updates WHERE classification = 'security') AS security, (SELECT count(*)::int FROM apt_packages) AS binaries`,
    );
    const before = await writes();
    const unchanged = await sync('unchanged sync');
    const after = await writes();
    const written = JSON.stringify(before) === JSON.stringify(after) ? 0 : 'SOME';
    // VmHWM is in KiB; bench-processes' peakRssMb divides by 1024, so the figure is MiB.
    const peak = { api: api.peakRssMb(), worker: worker.peakRssMb() };
    const peakRssMiB = peak.worker;
    console.log(`catalog: ${counts.updates} updates (${counts.baseline} baseline, ${counts.updates - counts.baseline} updates, ${counts.security} security), ${counts.binaries} binary packages`);
    console.log(`rows written by the unchanged sync (catalog and apt tables): ${written}`);
    console.log(`peak RSS of the worker: ${peak.worker.toFixed(0)} MiB (${rssBefore.worker.toFixed(0)} MiB before the first sync; node ${[...productionNodeArgs('src/worker.js'), ...WORKER_NODE_ARGS].join(' ') || 'without flags'})`);
    console.log(`peak RSS of the API:    ${peak.api.toFixed(0)} MiB (${rssBefore.api.toFixed(0)} MiB before the first sync)`);
    console.log(
      `targets: first sync <= ${TARGETS.firstSeconds} s: ${first.seconds <= TARGETS.firstSeconds ? 'met' : 'MISSED'}; ` +
        `unchanged sync <= ${TARGETS.unchangedSeconds} s: ${unchanged.seconds <= TARGETS.unchangedSeconds ? 'met' : 'MISSED'}; ` +
        `zero rows: ${written === 0 ? 'met' : 'MISSED'}; worker peak RSS <= ${TARGETS.peakRssMiB} MiB: ${peakRssMiB <= TARGETS.peakRssMiB ? 'met' : 'MISSED'}`,
    );
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await db?.end().catch(() => undefined);
    for (const process of started.reverse()) await process.stop().catch((error: unknown) => console.error('stop failed:', error));
    await services?.stop().catch((error: unknown) => console.error('service stop failed:', error));
    files?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Current resident memory (VmRSS) of a started process, in MiB. */
function rssMiB(started: Started): number {
  const status = readFileSync(`/proc/${started.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

if (process.argv.includes('--serve')) {
  serve();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
