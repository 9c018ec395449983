/**
 * APT serving benchmark (docs/benchmarks.md, "APT repositories: serving"): a computer's
 * `apt-get update` against the full Debian 12 baseline plus 100 approved updates for its group,
 * and InRelease 304s under load beside the bare NestJS-on-Fastify baseline in the same run.
 *
 *   npm run bench:apt-serving
 *
 * The catalog is synced, as `npm run bench:apt` does, from this machine's apt lists (bookworm,
 * bookworm-updates, bookworm-security main amd64) served over loopback by the file server of
 * scripts/bench/apt-sync-bench.ts (a child process). The API and the worker run as separate
 * processes, as in production; the computer registers through an enrollment key of its group and
 * the real apt reads the repository in a scratch root (src/modules/apt-repository/dependencies/scratch-apt-root.ts,
 * APT_CONFIG), with the deb822 sources and auth.conf.d entry test/support/apt-client.ts writes.
 * apt prints no timings, so time to first byte and total for InRelease and the indexes are taken
 * with fetch on the same URLs with the same Basic credentials. The server runs in content mode
 * `none` (the file server has no .debs to store); each approval's time includes its apt
 * dependency check (src/modules/apt-repository/dependencies/).
 * Not a test: figures are read by a person.
 */
import { execFileSync, fork } from 'node:child_process';
import { apiCaller } from './bench-api';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { LocalServices, startLocalServices } from '../../src/infra/services/local-services';
import { ScratchAptRoot } from '../../src/modules/apt-repository/dependencies/scratch-apt-root';
import { Started, startNode } from './bench-processes';
import { LoadResult, runLoad } from './load';

const LISTS = '/var/lib/apt/lists';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const APPROVED = 100;

type Measured = LoadResult & { cpuMicrosPerRequest: number };

async function measure(server: Started, load: () => Promise<LoadResult>): Promise<Measured> {
  const cpuBefore = server.cpuMs();
  const result = await load();
  const requests = Object.values(result.statusCounts).reduce((sum, n) => sum + n, 0);
  return { ...result, cpuMicrosPerRequest: ((server.cpuMs() - cpuBefore) * 1000) / Math.max(1, requests) };
}

function row(name: string, result: Measured, baseline?: Measured): string {
  const ratio = baseline ? (result.requestsPerSecond / baseline.requestsPerSecond).toFixed(2) : '—';
  const statuses = Object.entries(result.statusCounts).map(([s, n]) => `${s}:${n}`).join(' ');
  return `${name.padEnd(40)} ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${String(result.p50).padStart(3)} ms  p99 ${String(result.p99).padStart(4)} ms  ratio ${ratio.padStart(5)}  cpu ${result.cpuMicrosPerRequest.toFixed(0).padStart(5)} µs/req  [${statuses}${result.errors ? ` errors:${result.errors}` : ''}]`;
}

/** The apt-sync bench's file server in a child process (`--serve`): the real InRelease and Packages of this machine's lists. */
async function startFileServer(): Promise<{ base: string; stop: () => void }> {
  const child = fork(resolve(__dirname, 'apt-sync-bench.js'), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((done, fail) => {
    child.on('message', (m: { port?: number; warning?: string }) => {
      if (m.warning) console.warn(`warning: ${m.warning}`);
      if (m.port) done(m.port);
    });
    child.on('exit', (code) => fail(new Error(`file server exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** Time to the response headers and to the last byte of one GET, in ms. */
async function timedGet(url: string, headers: Record<string, string>): Promise<{ status: number; ttfbMs: number; totalMs: number; bytes: number }> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, { headers });
  const ttfb = process.hrtime.bigint();
  const body = await response.arrayBuffer();
  const done = process.hrtime.bigint();
  return { status: response.status, ttfbMs: Number(ttfb - started) / 1e6, totalMs: Number(done - started) / 1e6, bytes: body.byteLength };
}

/** A scratch apt root reading the computer's repository: deb822 sources with the key inline, Basic credentials in auth.conf.d. */
function scratchRoot(uri: string, armoredKey: string, login: string, token: string): ScratchAptRoot {
  const scratch = new ScratchAptRoot({ prefix: 'patchgate-bench-apt-' });
  const key = armoredKey.trim().split('\n').map((line) => ` ${line === '' ? '.' : line}`).join('\n');
  writeFileSync(join(scratch.root, 'etc/apt/sources.list.d/patchgate.sources'), `Types: deb\nURIs: ${uri}/apt/debian\nSuites: bookworm bookworm-approved\nComponents: main\nSigned-By:\n${key}\n`);
  const auth = join(scratch.root, 'etc/apt/auth.conf.d/patchgate.conf');
  writeFileSync(auth, `machine ${uri}/apt/ login ${login} password ${token}\n`);
  chmodSync(auth, 0o600);
  return scratch;
}

/** CPU time of a started process and of the children it waited for (apt), in ms (/proc/<pid>/stat: utime, stime, cutime, cstime). */
function cpuWithChildren(process: Started): number {
  const fields = readFileSync(`/proc/${process.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

async function timedApt(apt: ScratchAptRoot): Promise<{ ms: number; stdout: string }> {
  const started = process.hrtime.bigint();
  const run = await apt.exec('apt-get', ['-q', '-y', 'update'], 300_000);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.code !== 0 || /^(W|E):/m.test(run.stderr)) throw new Error(`apt-get update failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
  return { ms, stdout: run.stdout };
}

const summary = (stdout: string) => /Fetched .*/.exec(stdout)?.[0] ?? `${(stdout.match(/^Hit:/gm) ?? []).length} Hit, ${(stdout.match(/^Get:/gm) ?? []).length} Get`;

async function main(): Promise<void> {
  if (!existsSync(join(LISTS, 'deb.debian.org_debian_dists_bookworm_InRelease'))) throw new Error(`no Debian 12 lists in ${LISTS}; run apt-get update first`);
  const root = mkdtempSync(join(tmpdir(), 'patchgate-apt-serving-bench-'));
  let services: LocalServices | undefined;
  let files: Awaited<ReturnType<typeof startFileServer>> | undefined;
  const started: Started[] = [];
  const clients: ScratchAptRoot[] = [];
  try {
    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM ` +
      `(${(freemem() / 2 ** 30).toFixed(1)} GiB free), node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
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
      // The upstream is the loopback file server (the outbound policy refuses private addresses by default).
      PATCHGATE_ALLOW_PRIVATE_UPSTREAMS: 'true',
      // One computer asks thousands of times a second, far above its limit; the limiter still counts every request.
      PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE: '1000000',
    };
    // The API first: it runs the migrations the worker expects.
    const api = await startNode('src/main.js', { ...env, PORT: '0' }, /listening on [\d.]+:(\d+)/);
    started.push(api);
    const worker = await startNode('src/worker.js', env, /Patchgate worker (started)/);
    started.push(worker);
    const baseline = await startNode('scripts/bench/baseline-server.js', { ...env, PORT: '0' });
    started.push(baseline);
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

    const db = new Client({ connectionString: services.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    try {
      const syncStarted = Date.now();
      const { id: runId } = (await call('POST', '/api/v1/sync/runs', undefined, accessToken)) as { id: string };
      for (;;) {
        const { rows: [run] } = await db.query<{ status: string; error: string | null }>('SELECT status, error FROM sync_runs WHERE id = $1', [runId]);
        if (run.status === 'failed') throw new Error(`sync failed: ${run.error}`);
        if (run.status === 'succeeded') break;
        await new Promise((done) => setTimeout(done, 200));
      }
      const { rows: [counts] } = await db.query<{ baseline: number; updates: number }>(
        `SELECT (SELECT count(*)::int FROM updates WHERE baseline) AS baseline, (SELECT count(*)::int FROM updates WHERE NOT baseline) AS updates`,
      );
      console.log(`sync: ${((Date.now() - syncStarted) / 1000).toFixed(1)} s; catalog ${counts.baseline} baseline, ${counts.updates} updates`);

      // The group, 100 approved updates (the first by title, as an administrator would pick them), one computer.
      const { id: groupId } = (await call('POST', '/api/v1/groups', { name: 'Bench' }, accessToken)) as { id: string };
      const { rows: picked } = await db.query<{ id: string }>('SELECT update_id AS id FROM updates WHERE NOT baseline ORDER BY title LIMIT $1', [APPROVED]);
      // Content mode none: the bench's file server has Debian's metadata but not its .debs, so in the
      // default on_approval mode no approved update's files could be stored, and a storing mode
      // lists an update in the approved suite only once they are (docs/content.md): the suite came out empty.
      await call('PUT', '/api/v1/content/config', { mode: 'none' }, accessToken);
      // What the dependency check's first run reads once per baseline version (it used to on every check).
      const baselineReadStarted = Date.now();
      const { rows: [baselineRows] } = await db.query<{ n: number; bytes: string }>(
        `SELECT count(*)::int AS n, sum(length(p.stanza))::text AS bytes FROM (
           SELECT p.stanza FROM updates u JOIN apt_updates a ON a.update_id = u.update_id
             JOIN apt_packages p ON p.update_id = u.update_id AND p.revision = u.current_revision
            WHERE u.baseline AND u.state = 'active') p`,
      );
      console.log(`baseline binaries in the catalog: ${baselineRows.n} (${(Number(baselineRows.bytes) / 2 ** 20).toFixed(1)} MiB of stanzas), counted in ${Date.now() - baselineReadStarted} ms`);
      const approvingStarted = Date.now();
      const cpuBefore = cpuWithChildren(api);
      const approvalMs: number[] = [];
      let installable = 0;
      for (const { id } of picked) {
        const started = process.hrtime.bigint();
        const answer = (await call('PUT', '/api/v1/approvals', { updateId: id, groupId, decision: 'install' }, accessToken)) as { aptDependencies?: { installable: boolean } };
        approvalMs.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (answer.aptDependencies?.installable) installable++;
      }
      const approvalCpu = cpuWithChildren(api) - cpuBefore;
      const rest = [...approvalMs.slice(1)].sort((a, b) => a - b);
      console.log(
        `approvals (PUT /api/v1/approvals, each with its apt dependency check): first ${(approvalMs[0] / 1000).toFixed(2)} s (opens the check's root), ` +
          `then median ${(rest[Math.floor(rest.length / 2)] / 1000).toFixed(2)} s, mean ${(rest.reduce((a, b) => a + b, 0) / rest.length / 1000).toFixed(2)} s, ` +
          `max ${(rest[rest.length - 1] / 1000).toFixed(2)} s; ${installable} of ${approvalMs.length} installable as approved; ` +
          `API CPU with apt ${(approvalCpu / approvalMs.length / 1000).toFixed(2)} s an approval`,
      );
      const checkStarted = process.hrtime.bigint();
      await call('GET', `/api/v1/apt/dependencies?updateId=${picked[picked.length - 1].id}&groupId=${groupId}`, undefined, accessToken);
      console.log(`GET /api/v1/apt/dependencies of the last one again (nothing changed): ${(Number(process.hrtime.bigint() - checkStarted) / 1e6 / 1000).toFixed(2)} s`);
      const { key } = (await call('POST', '/api/v1/enrollment-keys', { name: 'bench', groupId }, accessToken)) as { key: string };
      const computer = (await call('POST', '/client/v1/register', {
        enrollmentKey: key, hostname: 'bench.example.com', os: { family: 'debian', version: '12' }, arch: 'amd64', agentVersion: '1.0.0',
      })) as { computerId: string; token: string };
      const keys = (await call('GET', '/client/v1/keys')) as unknown as { keys: { alg: string; publicKey: string }[] };
      const armoredKey = keys.keys.find((k) => k.alg === 'openpgp')!.publicKey;
      const { rows: [{ n: approvals }] } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM approvals WHERE group_id = $1', [groupId]);
      console.log(`approved for the group: ${picked.length} picked, ${approvals} approvals with their dependencies, in ${((Date.now() - approvingStarted) / 1000).toFixed(1)} s`);

      const newClient = () => {
        const apt = scratchRoot(base, armoredKey, computer.computerId, computer.token);
        clients.push(apt);
        return apt;
      };
      // 1. apt-get update: the first one publishes both suites (lazily, on the first request); a fresh
      // root then downloads everything from the publications; a second update of that root is all 304.
      const cold = await timedApt(newClient());
      console.log(`\napt-get update, first (publishes lazily): ${(cold.ms / 1000).toFixed(2)} s — ${summary(cold.stdout)}`);
      const apt = newClient();
      const warm = await timedApt(apt);
      console.log(`apt-get update, fresh root (published):  ${(warm.ms / 1000).toFixed(2)} s — ${summary(warm.stdout)}`);
      const again = await timedApt(apt);
      console.log(`apt-get update, nothing changed (304):    ${(again.ms / 1000).toFixed(2)} s — ${summary(again.stdout)}`);

      const auth = { authorization: `Basic ${Buffer.from(`${computer.computerId}:${computer.token}`).toString('base64')}` };
      const approvedIndex = await (await fetch(`${base}/apt/debian/dists/bookworm-approved/main/binary-amd64/Packages`, { headers: auth })).text();
      console.log(`bookworm-approved lists ${(approvedIndex.match(/^Package: /gm) ?? []).length} binary stanzas`);
      console.log('\nfetch timings, same URLs and credentials (best of 3):');
      for (const suite of ['bookworm', 'bookworm-approved']) {
        for (const file of ['InRelease', 'main/binary-amd64/Packages.gz', 'main/binary-amd64/Packages']) {
          const url = `${base}/apt/debian/dists/${suite}/${file}`;
          const runs = [];
          for (let i = 0; i < 3; i++) runs.push(await timedGet(url, auth));
          const best = runs.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
          console.log(`  ${`${suite}/${file}`.padEnd(48)} ${best.status}  ${(best.bytes / 2 ** 20).toFixed(2).padStart(6)} MiB  ttfb ${best.ttfbMs.toFixed(1).padStart(7)} ms  total ${best.totalMs.toFixed(1).padStart(7)} ms`);
        }
      }

      // 2. InRelease 304s under load, beside the bare baseline.
      const inRelease = await fetch(`${base}/apt/debian/dists/bookworm/InRelease`, { headers: auth });
      await inRelease.arrayBuffer();
      const etag = inRelease.headers.get('etag')!;
      const lastModified = inRelease.headers.get('last-modified')!;
      const conditional = (headers: Record<string, string>) => () =>
        runLoad({ url: base, durationSeconds: DURATION, connections: CONNECTIONS, request: () => ({ method: 'GET', path: '/apt/debian/dists/bookworm/InRelease', headers: { ...auth, ...headers } }) });
      const bare = await measure(baseline, () =>
        runLoad({
          url: `http://127.0.0.1:${baseline.port}`,
          durationSeconds: DURATION,
          connections: CONNECTIONS,
          request: () => ({ method: 'POST', path: '/baseline', headers: { 'content-type': 'application/json' }, body: '{"nonce":"abcdefgh12345678"}' }),
        }),
      );
      const byEtag = await measure(api, conditional({ 'if-none-match': etag }));
      const bySince = await measure(api, conditional({ 'if-modified-since': lastModified }));
      console.log(`\nload: ${CONNECTIONS} connections, ${DURATION} s each, autocannon in the bench process; load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
      console.log(row('baseline (bare NestJS on Fastify)', bare));
      console.log(row('InRelease, If-None-Match → 304', byEtag, bare));
      console.log(row('InRelease, If-Modified-Since → 304', bySince, bare));
      console.log(`peak RSS: API ${api.peakRssMb().toFixed(0)} MiB, worker ${worker.peakRssMb().toFixed(0)} MiB`);
    } finally {
      await db.end().catch(() => undefined);
    }
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    for (const apt of clients) apt.close();
    for (const process of started.reverse()) await process.stop().catch((error: unknown) => console.error('stop failed:', error));
    await services?.stop().catch((error: unknown) => console.error('service stop failed:', error));
    files?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
