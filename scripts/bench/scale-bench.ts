/**
 * `npm run bench:scale`: reports and inventory reads at fleet scale (docs/benchmarks.md, "Fleet
 * scale"). Starts its own PostgreSQL and Redis, seeds a fleet straight into PostgreSQL (COPY-speed
 * INSERT … SELECT generate_series, triggers off, indexes built after the load), then lets the
 * product's own recount (POST /api/v1/reports/recount) build the compliance counters, and measures
 * p50/p99 of 20 calls of every report and computer-list filter through the API.
 *
 * BENCH_COMPUTERS (default 1,000,000) and BENCH_STATES (reported states per computer, default 40)
 * size the fleet; 200 groups, 100 updates (50 approved at the root, 50 over the sites).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrateDatabase } from '../../src/infra/database/migration-runner';
import { startLocalServices } from '../../src/infra/services/local-services';
import { startNode, Started } from './bench-processes';
import { runLoad } from './load';

const COMPUTERS = Number(process.env.BENCH_COMPUTERS ?? 1_000_000);
const STATES = Number(process.env.BENCH_STATES ?? 40);
const GROUPS = 200;
const UPDATES = 100;
const CALLS = 20;
const ROOT = '00000000-0000-4000-8000-000000000001';
/** Seconds of status reports queued for the drain measurement (0: skip it). */
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 15);
const EVENTS_PER_REPORT = 100;

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

async function seed(db: Client): Promise<void> {
  // Triggers (and so the counters and foreign-key checks) off for the load: the recount builds the counters.
  await db.query(`SET session_replication_role = replica`);
  await db.query(`SET maintenance_work_mem = '1GB'`);
  let t = Date.now();
  // 100 updates: 80 Windows x64 (20 of them for 10.0.26100 and later only), 10 Windows arm64, 10 Linux.
  await db.query(`
    INSERT INTO updates (update_id, current_revision, title, description, kb, cves, classification, products, severity,
                         released_at, supersedes, prerequisites, reboot, user_input, requires_eula, files, applicability, state)
    SELECT gen_random_uuid(), 1, 'Scale update ' || n, 'synthetic', ARRAY['KB' || (5000000 + n)], '{}',
           (ARRAY['security','critical','update','definition','driver'])[1 + n % 5], ARRAY['Windows/Windows 11'],
           (ARRAY['critical','important','moderate','low'])[1 + n % 4], now() - (n || ' minutes')::interval, '{}', '{}',
           'maybe', false, false, '[]',
           CASE WHEN n % 10 = 0 THEN '{"osFamily":["linux"],"arch":["x64"],"minOsVersion":"22.04"}'
                WHEN n % 10 = 5 THEN '{"osFamily":["windows"],"arch":["arm64"]}'
                WHEN n % 5 = 1 THEN '{"osFamily":["windows"],"arch":["x64"],"minOsVersion":"10.0.26100"}'
                ELSE '{"osFamily":["windows"],"arch":["x64"],"minOsVersion":"10.0.19045"}' END::jsonb, 'active'
      FROM generate_series(1, $1) AS n`, [UPDATES]);
  await db.query(`
    INSERT INTO update_revisions (update_id, revision, document, content_hash, state, requires_eula)
    SELECT update_id, 1, jsonb_build_object('updateId', update_id, 'title', title), repeat('0', 64), 'active', false FROM updates`);
  // 14 regions under All Computers, 184 sites under them (with Unassigned and the root: 200 groups).
  const regions = 14;
  await db.query(`
    INSERT INTO computer_groups (id, name, parent_id, path, depth)
    SELECT id, 'Region ' || n, $1::uuid, ARRAY[$1::uuid, id], 1 FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $2) AS n) r`,
    [ROOT, regions]);
  await db.query(`
    INSERT INTO computer_groups (id, name, parent_id, path, depth)
    SELECT s.id, 'Site ' || s.n, s.parent, ARRAY[$1::uuid, s.parent, s.id], 2
      FROM (SELECT gen_random_uuid() AS id, n, (SELECT array_agg(id ORDER BY id) FROM computer_groups WHERE depth = 1 AND name LIKE 'Region %') AS regions
              FROM generate_series(1, $2) AS n) AS g
      CROSS JOIN LATERAL (SELECT g.id, g.n, g.regions[1 + g.n % cardinality(g.regions)] AS parent) AS s`,
    [ROOT, GROUPS - regions - 2]);
  // Secondary indexes of computers are built after the load (faster than maintaining them row by row).
  const indexes: { indexdef: string; indexname: string }[] = (
    await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'computers' AND indexname NOT IN ('computers_pkey') AND indexdef NOT LIKE 'CREATE UNIQUE%'`)
  ).rows;
  for (const { indexname } of indexes) await db.query(`DROP INDEX ${indexname}`);
  // Computers: 80 % Windows 11 24H2 x64, 10 % Windows 10 x64, 5 % Windows arm64, 5 % Linux; 5 % stale.
  await db.query(`
    INSERT INTO computers (hostname, os_family, os_version, arch, agent_version, group_id, token_hash, registered_at, last_seen_at)
    SELECT 'host-' || lpad(to_hex((n * 2654435761) % 4294967296), 8, '0') || '-' || n,
           CASE WHEN n % 20 = 19 THEN 'linux' ELSE 'windows' END,
           CASE WHEN n % 20 = 19 THEN '24.04' WHEN n % 10 = 1 THEN '10.0.19045' ELSE '10.0.26100' END,
           CASE WHEN n % 20 = 18 THEN 'arm64' ELSE 'x64' END,
           'bench', sites.ids[1 + n % cardinality(sites.ids)],
           encode(sha256(convert_to('pgc_scale_' || n, 'UTF8')), 'hex'),
           now() - interval '200 days',
           CASE WHEN n % 20 = 7 THEN now() - interval '60 days' ELSE now() - (n % 86400 || ' seconds')::interval END
      FROM generate_series(1, $1) AS n,
           (SELECT array_agg(id ORDER BY id) AS ids FROM computer_groups WHERE depth = 2) AS sites`,
    [COMPUTERS]);
  for (const { indexdef } of indexes) await db.query(indexdef);
  console.log(`seeded ${COMPUTERS} computers in ${seconds(t)} s`);
  // 50 installs at the root; 50 more over the sites (each site approves a few), a few declines.
  await db.query(`
    INSERT INTO approvals (update_id, group_id, decision, revision, source, updated_by)
    SELECT update_id, $1, 'install', 1, 'manual', 'bench' FROM (SELECT update_id, row_number() OVER (ORDER BY released_at DESC) AS k FROM updates) u WHERE k <= 50`,
    [ROOT]);
  await db.query(`
    INSERT INTO approvals (update_id, group_id, decision, reason, revision, source, updated_by)
    SELECT u.update_id, s.id, CASE WHEN s.k % 9 = 0 THEN 'decline' ELSE 'install' END, CASE WHEN s.k % 9 = 0 THEN 'bench' END, 1, 'manual', 'bench'
      FROM (SELECT update_id, row_number() OVER (ORDER BY released_at DESC) AS k FROM updates) u
      JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM computer_groups WHERE depth = 2) s ON (s.k + u.k) % 8 = 0
     WHERE u.k > 50 OR s.k % 9 = 0`);
  // STATES reported states per computer: the newest updates first, mostly installed.
  t = Date.now();
  await db.query('ALTER TABLE install_states DROP CONSTRAINT install_states_pkey');
  await db.query('DROP INDEX install_states_update_state_computer_idx');
  await db.query(`
    INSERT INTO install_states (computer_id, update_id, revision, state, error_code, occurred_at, seq, received_at)
    SELECT c.id, u.ids[1 + ((c.k + j) % $1)], 1,
           (ARRAY['installed','installed','installed','installed','installed','installed','installed','downloaded','failed','not_applicable',
                  'installed','installed','installed','installed','installed_pending_reboot','installed','installed','uninstalled','installed','installed'])[1 + (c.k * 7 + j) % 20],
           CASE WHEN (c.k * 7 + j) % 20 = 8 THEN '0x80070005' END, now(), j, now()
      FROM (SELECT id, row_number() OVER () AS k FROM computers) c,
           (SELECT array_agg(update_id ORDER BY released_at DESC) AS ids FROM updates) u,
           generate_series(1, $2) AS j`,
    [UPDATES, STATES]);
  console.log(`seeded ${COMPUTERS * STATES} install states in ${seconds(t)} s`);
  t = Date.now();
  await db.query('ALTER TABLE install_states ADD PRIMARY KEY (computer_id, update_id)');
  await db.query('CREATE INDEX install_states_update_state_computer_idx ON install_states (update_id, state, computer_id)');
  await db.query('RESET session_replication_role');
  await db.query('VACUUM ANALYZE');
  console.log(`indexes and VACUUM ANALYZE in ${seconds(t)} s`);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function timeCalls(name: string, call: () => Promise<Response>): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now();
    const res = await call();
    await res.arrayBuffer();
    times.push(performance.now() - start);
    if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
  }
  times.sort((a, b) => a - b);
  return `${name.padEnd(44)} p50 ${quantile(times, 0.5).toFixed(1).padStart(7)} ms  p99 ${quantile(times, 0.99).toFixed(1).padStart(7)} ms`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'patchgate-scale-'));
  const services = await startLocalServices({ dataDir });
  const started: Started[] = [];
  try {
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (${(freemem() / 2 ** 30).toFixed(0)} free), node ${process.version}`);
    await migrateDatabase(services.databaseUrl);
    const db = new Client({ connectionString: services.databaseUrl });
    db.on('error', (error) => console.error(`bench database connection: ${error.message}`));
    await db.connect();
    await seed(db);

    const env = {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PATCHGATE_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      LOG_LEVEL: 'warn',
      PATCHGATE_RUN_MIGRATIONS: 'false',
      HOST: '127.0.0.1',
      PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE: '1000000',
    };
    const api = await startNode('src/main.js', { ...env, PORT: String(19530 + Math.floor(Math.random() * 1000)) }, /listening on [\d.]+:(\d+)/);
    started.push(api);
    const worker = await startNode('src/worker.js', env, /Patchgate worker (started)/);
    started.push(worker);
    const apiUrl = `http://127.0.0.1:${api.port}`;
    const login = await fetch(`${apiUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: env.PATCHGATE_ADMIN_PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}` };
    const get = (path: string) => () => fetch(`${apiUrl}${path}`, { headers });

    let t = Date.now();
    const recount = await fetch(`${apiUrl}/api/v1/reports/recount`, { method: 'POST', headers });
    const recounted = (await recount.json()) as Record<string, unknown>;
    console.log(`recount (builds the counters from the seeded states): ${seconds(t)} s ${JSON.stringify(recounted)}`);
    t = Date.now();
    const again = (await (await fetch(`${apiUrl}/api/v1/reports/recount`, { method: 'POST', headers })).json()) as Record<string, unknown>;
    const recountSeconds = seconds(t);
    console.log(`recount again (counters already exact): ${recountSeconds} s ${JSON.stringify(again)}`);

    const pick = async (sql: string, params: unknown[] = []) => ((await db.query(sql, params)).rows[0] as { id: string }).id;
    const region = await pick(`SELECT id FROM computer_groups WHERE depth = 1 AND name LIKE 'Region %' ORDER BY id LIMIT 1`);
    const site = await pick(`SELECT id FROM computer_groups WHERE parent_id = $1 ORDER BY id LIMIT 1`, [region]);
    // An update approved at the root that some computers failed (the seed gives failures to about
    // half of the updates), and one that nobody failed: the state filter of the list takes a
    // different path for each (src/modules/computers/computers.repository.ts).
    const update = await pick(
      `SELECT a.update_id AS id FROM approvals a JOIN updates u USING (update_id)
        WHERE a.group_id = $1 AND EXISTS (SELECT 1 FROM install_states s WHERE s.update_id = a.update_id AND s.state = 'failed')
        ORDER BY u.released_at DESC, a.update_id LIMIT 1`,
      [ROOT],
    );
    const unfailed = await pick(
      `SELECT a.update_id AS id FROM approvals a JOIN updates u USING (update_id)
        WHERE a.group_id = $1 AND NOT EXISTS (SELECT 1 FROM install_states s WHERE s.update_id = a.update_id AND s.state = 'failed')
        ORDER BY u.released_at DESC, a.update_id LIMIT 1`,
      [ROOT],
    );
    const [{ count: failedOfUpdate }] = (await db.query(`SELECT count(*)::int AS count FROM install_states WHERE update_id = $1 AND state = 'failed'`, [update])).rows;
    const computer = await pick(`SELECT id FROM computers WHERE group_id = $1 LIMIT 1`, [site]);
    const [{ count: stored }] = (await db.query('SELECT count(*)::bigint AS count FROM install_states')).rows;

    const lines = [
      await timeCalls('fleet report (All Computers)', get(`/api/v1/reports/groups/${ROOT}`)),
      await timeCalls('region report', get(`/api/v1/reports/groups/${region}`)),
      await timeCalls('site report', get(`/api/v1/reports/groups/${site}`)),
      await timeCalls('update report (whole fleet)', get(`/api/v1/reports/updates/${update}`)),
      await timeCalls('update report (one region)', get(`/api/v1/reports/updates/${update}?groupId=${region}`)),
      await timeCalls('computer report', get(`/api/v1/reports/computers/${computer}`)),
      await timeCalls('computers list (first page, no filter)', get('/api/v1/computers?limit=100')),
      await timeCalls('computers list, group (site)', get(`/api/v1/computers?groupId=${site}&limit=100`)),
      await timeCalls('computers list, group + subgroups (region)', get(`/api/v1/computers?groupId=${region}&includeSubgroups=true&limit=100`)),
      await timeCalls('computers list, stale', get('/api/v1/computers?stale=true&limit=100')),
      await timeCalls('computers list, OS linux', get('/api/v1/computers?osFamily=linux&limit=100')),
      await timeCalls(`computers list, update failed (${failedOfUpdate})`, get(`/api/v1/computers?updateId=${update}&state=failed&limit=100`)),
      await timeCalls('computers list, update failed (none)', get(`/api/v1/computers?updateId=${unfailed}&state=failed&limit=100`)),
      await timeCalls('computers list, update installed', get(`/api/v1/computers?updateId=${update}&state=installed&limit=100`)),
      await timeCalls('computers list, search "-4242"', get('/api/v1/computers?q=-4242&limit=100')),
    ];
    // A later page: the cursor of page 50 of the unfiltered list.
    let cursor = '';
    for (let i = 0; i < 50; i++) {
      const page = (await (await fetch(`${apiUrl}/api/v1/computers?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers })).json()) as { nextCursor: string };
      cursor = page.nextCursor;
    }
    lines.push(await timeCalls('computers list, page 51 by cursor', get(`/api/v1/computers?limit=100&cursor=${cursor}`)));
    const [{ size }] = (await db.query('SELECT pg_size_pretty(pg_database_size(current_database())) AS size')).rows;

    // Status ingestion at this scale: reports queued with the worker stopped, then a fresh worker
    // drains the queue; events/s = events stored / drain time (the worker's rate, counters included).
    let ingestLine = 'ingest: skipped';
    const workerPeakMb = worker.peakRssMb();
    if (INGEST_SECONDS > 0) {
      await worker.stop();
      const updateIds: string[] = (await db.query('SELECT update_id AS id FROM updates ORDER BY released_at DESC')).rows.map((r) => r.id);
      let n = 0;
      const load = await runLoad({
        url: apiUrl,
        durationSeconds: INGEST_SECONDS,
        connections: 32,
        request: () => {
          const computer = 1 + ((n++ * 7919) % COMPUTERS);
          const events = updateIds.slice(0, EVENTS_PER_REPORT).map((updateId, i) => ({
            updateId, revision: 1, state: (n + i) % 3 ? 'installed' : 'failed', ...((n + i) % 3 ? {} : { errorCode: '0x80070005' }),
            occurredAt: '2026-12-01T10:00:00Z', seq: 1000 + n,
          }));
          return {
            method: 'POST', path: '/client/v1/status',
            headers: { 'content-type': 'application/json', authorization: `Bearer pgc_scale_${computer}` },
            body: JSON.stringify({ events }),
          };
        },
      });
      const accepted = (load.statusCounts['202'] ?? 0) * EVENTS_PER_REPORT;
      const before = Number((await db.query('SELECT count(*) AS n FROM status_events')).rows[0].n);
      const drainStart = Date.now();
      const drainer = await startNode('src/worker.js', env, /Patchgate worker (started)/);
      started.push(drainer);
      let stored = before;
      while (stored < accepted && Date.now() - drainStart < 600_000) {
        await new Promise((r) => setTimeout(r, 250));
        stored = Number((await db.query('SELECT count(*) AS n FROM status_events')).rows[0].n);
      }
      const drainSeconds = (Date.now() - drainStart) / 1000;
      ingestLine = `ingest: ${accepted} events queued in ${INGEST_SECONDS} s (${load.requestsPerSecond.toFixed(0)} reports/s); a fresh worker stored ${stored} in ${drainSeconds.toFixed(1)} s (start included) → ${(stored / drainSeconds).toFixed(0)} events/s; drain worker CPU ${((drainer.cpuMs() * 1000) / Math.max(1, stored - before)).toFixed(1)} µs/event (start included), peak RSS ${drainer.peakRssMb().toFixed(0)} MB`;
      const exact = (await (await fetch(`${apiUrl}/api/v1/reports/recount`, { method: 'POST', headers })).json()) as Record<string, unknown>;
      ingestLine += `\nrecount after the ingest: ${JSON.stringify(exact)}`;
    }
    await db.end();

    console.log(`\nfleet: ${COMPUTERS} computers, ${GROUPS} groups, ${UPDATES} updates, ${stored} reported states; ${CALLS} calls each, one at a time\n`);
    for (const line of lines) console.log(line);
    console.log(`recount: ${recountSeconds} s; database size ${size}`);
    console.log(ingestLine);
    const hold = Number(process.env.BENCH_HOLD_SECONDS ?? 0);
    if (hold > 0) {
      console.log(`holding for ${hold} s: DATABASE_URL=${services.databaseUrl} REDIS_URL=${services.redisUrl}`);
      await new Promise((r) => setTimeout(r, hold * 1000));
    }
    console.log(`peak RSS: API ${api.peakRssMb().toFixed(0)} MB, worker ${workerPeakMb.toFixed(0)} MB (before the ingest)`);
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
