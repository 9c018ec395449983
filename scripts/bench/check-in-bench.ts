/**
 * `npm run bench`: the check-in hot path under load, beside a bare NestJS-on-Fastify endpoint
 * measured in the same run on the same machine. Starts its own PostgreSQL and Redis, seeds a
 * fleet, runs the API and the worker as separate processes (as in production) and drives them
 * over loopback with autocannon. Prints a table; numbers go to docs/benchmarks.md by hand.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { SignedOffer } from '../../src/contracts/client-protocol';
import { migrateDatabase } from '../../src/infra/database/migration-runner';
import { startLocalServices } from '../../src/infra/services/local-services';
import { postgresCpuMs, startNode, Started } from './bench-processes';
import { benchToken, seedFleet } from './check-in-seed';
import { LoadResult, runLoad } from './load';

const SIZE = { computers: 100_000, updates: 20_000, groups: 200, approvals: 500, offerSize: 50 };
const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const EVENTS_PER_REPORT = 100;
/** `BENCH_SCENARIOS=a,b` runs only those scenarios (the baseline always runs); all by default. */
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? 'a,b,c').split(',').map((s) => s.trim().toLowerCase()));

/** A load result with the CPU time the server process used per request while it ran. */
type Measured = LoadResult & { cpuMicrosPerRequest: number };

/**
 * The server's CPU per request is steadier than req/s on a shared machine: other processes slow
 * the clock-time figures, much less the CPU time each request takes.
 */
async function measure(server: Started, load: Promise<LoadResult> | (() => Promise<LoadResult>)): Promise<Measured> {
  const cpuBefore = server.cpuMs();
  const result = await (typeof load === 'function' ? load() : load);
  const requests = Object.values(result.statusCounts).reduce((sum, n) => sum + n, 0);
  return { ...result, cpuMicrosPerRequest: ((server.cpuMs() - cpuBefore) * 1000) / Math.max(1, requests) };
}

function row(name: string, result: Measured, baseline?: Measured): string {
  const ratio = baseline ? (result.requestsPerSecond / baseline.requestsPerSecond).toFixed(2) : '—';
  const statuses = Object.entries(result.statusCounts).map(([s, n]) => `${s}:${n}`).join(' ');
  const cpu = `cpu ${result.cpuMicrosPerRequest.toFixed(0).padStart(5)} µs/req`;
  return `${name.padEnd(34)} ${result.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${String(result.p50).padStart(4)} ms  p99 ${String(result.p99).padStart(4)} ms  ratio ${ratio.padStart(5)}  ${cpu}  [${statuses}${result.errors ? ` errors:${result.errors}` : ''}]`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'patchgate-bench-'));
  const services = await startLocalServices({ dataDir });
  const started: Started[] = [];
  try {
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (${(freemem() / 2 ** 30).toFixed(0)} free), node ${process.version}`);
    await migrateDatabase(services.databaseUrl);
    const seedStart = Date.now();
    await seedFleet(services.databaseUrl, SIZE);
    console.log(`seeded ${SIZE.computers} computers, ${SIZE.updates} updates, ${SIZE.groups} groups, ${SIZE.approvals} approvals in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    const env = {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PATCHGATE_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      LOG_LEVEL: 'warn',
      PATCHGATE_RUN_MIGRATIONS: 'false',
      HOST: '127.0.0.1',
      // Each simulated computer calls many times a second, far above an agent's limit; the limiter
      // still counts every request, so its cost is in the figures.
      PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE: '1000000',
    };
    const baseline = await startNode('scripts/bench/baseline-server.js', { ...env, PORT: '0' });
    started.push(baseline);
    // The API runs with package.json start:api's flags (its heap cap); BENCH_API_NODE_ARGS adds flags of the API process only, after them.
    const apiArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const api = await startNode('src/main.js', { ...env, PORT: String(18530 + Math.floor(Math.random() * 1000)) }, /listening on [\d.]+:(\d+)/, apiArgs);
    started.push(api);
    const apiIdleRssMb = api.peakRssMb();
    const worker = await startNode('src/worker.js', env, /Patchgate worker (started)/);
    started.push(worker);
    const apiUrl = `http://127.0.0.1:${api.port}`;

    const base = await measure(
      baseline,
      runLoad({
        url: `http://127.0.0.1:${baseline.port}`,
        durationSeconds: DURATION,
        connections: CONNECTIONS,
        request: () => ({ method: 'POST', path: '/baseline', headers: { 'content-type': 'application/json' }, body: '{"nonce":"abcdefgh12345678"}' }),
      }),
    );

    // (b) full offers: every request a different computer and no ETag, so each offer is computed.
    let next = 0;
    const fullOffers = !SCENARIOS.has('b') ? undefined : await measure(
      api,
      runLoad({
        url: apiUrl,
        durationSeconds: DURATION,
        connections: CONNECTIONS,
        request: () => ({
          method: 'POST',
          path: '/client/v1/checkin',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${benchToken(1 + (next++ % SIZE.computers))}` },
          body: '{"nonce":"abcdefgh12345678"}',
        }),
      }),
    );
    const probe = await fetch(`${apiUrl}/client/v1/checkin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${benchToken(1)}` },
      body: '{}',
    });
    const offerSize = ((await probe.json()) as SignedOffer).updates.length;

    // (a) unchanged check-ins: a working set of computers, each sending the ETag of its last answer.
    const fleet = 5000;
    const etags: string[] = [];
    for (let n = 1; n <= fleet; n += 100) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const res = await fetch(`${apiUrl}/client/v1/checkin`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${benchToken(n + i)}` },
            body: '{}',
          });
          etags[n + i] = res.headers.get('etag') ?? '';
          await res.arrayBuffer();
        }),
      );
    }
    // Each request: the next computer of the working set, with the ETag of its first answer.
    const knownFleetCheckIns = () => {
      let n = 0;
      return runLoad({
        url: apiUrl,
        durationSeconds: DURATION,
        connections: CONNECTIONS,
        request: () => {
          const computer = 1 + (n++ % fleet);
          return {
            method: 'POST',
            path: '/client/v1/checkin',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${benchToken(computer)}`, 'if-none-match': etags[computer] },
            body: '{}',
          };
        },
      });
    };
    const unchanged = SCENARIOS.has('a') ? await measure(api, knownFleetCheckIns) : undefined;
    const rssAfterA = api.peakRssMb();

    // (b, warm) the fleet after an approval change: known computers, every ETag stale, so every answer
    // is a new full offer; tokens and contexts are cached, the group's approved updates load once.
    const login = await fetch(`${apiUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: env.PATCHGATE_ADMIN_PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const seedDb = new Client({ connectionString: services.databaseUrl });
    await seedDb.connect();
    const [{ id: extra }] = (await seedDb.query(`SELECT update_id AS id FROM updates WHERE update_id NOT IN (SELECT update_id FROM approvals) LIMIT 1`)).rows;
    await seedDb.end();
    const approval = await fetch(`${apiUrl}/api/v1/approvals`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ updateId: extra, groupId: '00000000-0000-4000-8000-000000000001', decision: 'install' }),
    });
    if (approval.status !== 200) throw new Error(`approval failed: ${approval.status} ${await approval.text()}`);
    const afterChange = SCENARIOS.has('b') ? await measure(api, knownFleetCheckIns) : undefined;
    const rssAfterB = api.peakRssMb();
    if (!SCENARIOS.has('c')) {
      printTable(base, unchanged, fullOffers, afterChange, offerSize);
      console.log(`peak RSS: API ${apiIdleRssMb.toFixed(0)} MB started, ${rssAfterA.toFixed(0)} MB after (a), ${rssAfterB.toFixed(0)} MB after (b); worker ${worker.peakRssMb().toFixed(0)} MB, baseline ${baseline.peakRssMb().toFixed(0)} MB`);
      return;
    }

    // (c) status ingestion: reports of 100 events; persisted events per second until the queue drains.
    const db = new Client({ connectionString: services.databaseUrl });
    await db.connect();
    const reported: string[] = (await db.query('SELECT update_id AS id FROM updates LIMIT $1', [EVENTS_PER_REPORT])).rows.map((r) => r.id);
    let seq = 0;
    const report = () =>
      JSON.stringify({
        events: reported.map((updateId, i) => ({
          updateId,
          revision: 1,
          state: i % 2 ? 'installed' : 'downloaded',
          occurredAt: '2026-11-22T10:00:00Z',
          seq: ++seq,
        })),
      });
    next = 0;
    const ingestStart = Date.now();
    const workerCpuBefore = worker.cpuMs();
    const postgresCpuBefore = postgresCpuMs(dataDir);
    const ingest = await measure(
      api,
      runLoad({
        url: apiUrl,
        durationSeconds: DURATION,
        connections: CONNECTIONS,
        request: () => {
          const n = 1 + (next++ % SIZE.computers);
          return { method: 'POST', path: '/client/v1/status', headers: { 'content-type': 'application/json', authorization: `Bearer ${benchToken(n)}` }, body: report() };
        },
      }),
    );
    const accepted = (ingest.statusCounts['202'] ?? 0) * EVENTS_PER_REPORT;
    let persisted = 0;
    for (let waited = 0; waited < 300_000; waited += 250) {
      persisted = Number((await db.query('SELECT count(*) AS n FROM status_events')).rows[0].n);
      if (persisted >= accepted) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const ingestSeconds = (Date.now() - ingestStart) / 1000;
    const workerCpuMicrosPerEvent = ((worker.cpuMs() - workerCpuBefore) * 1000) / Math.max(1, persisted);
    const postgresCpuMicrosPerEvent = ((postgresCpuMs(dataDir) - postgresCpuBefore) * 1000) / Math.max(1, persisted);
    await db.end();

    printTable(base, unchanged, fullOffers, afterChange, offerSize);
    console.log(row('(c) status report (100 events) → 202', ingest, base));
    console.log(`(c) events persisted: ${persisted} of ${accepted} accepted in ${ingestSeconds.toFixed(1)} s → ${(persisted / ingestSeconds).toFixed(0)} events/s`);
    console.log(
      `(c) CPU per persisted event: worker ${workerCpuMicrosPerEvent.toFixed(1)} µs, PostgreSQL ${postgresCpuMicrosPerEvent.toFixed(1)} µs` +
        ` (API ${(ingest.cpuMicrosPerRequest / EVENTS_PER_REPORT).toFixed(1)} µs per accepted event)`,
    );
    console.log(`peak RSS: API ${apiIdleRssMb.toFixed(0)} MB started, ${rssAfterA.toFixed(0)} MB after (a), ${rssAfterB.toFixed(0)} MB after (b), ${api.peakRssMb().toFixed(0)} MB at the end; worker ${worker.peakRssMb().toFixed(0)} MB, baseline ${baseline.peakRssMb().toFixed(0)} MB`);
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function printTable(base: Measured, unchanged: Measured | undefined, fullOffers: Measured | undefined, afterChange: Measured | undefined, offerSize: number): void {
  console.log(`\nload: ${CONNECTIONS} connections, ${DURATION} s each, autocannon in the bench process; offer size ${offerSize} updates\n`);
  console.log(row('baseline (bare NestJS on Fastify)', base));
  if (unchanged) console.log(row('(a) unchanged check-in → 304', unchanged, base));
  if (fullOffers) console.log(row('(b) full offer, new computers → 200', fullOffers, base));
  if (afterChange) console.log(row('(b) full offer, after approval → 200', afterChange, base));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
