const { mkdtempSync } = require('fs'); const { join } = require('path'); const { tmpdir } = require('os'); const { randomBytes } = require('crypto');
const { startLocalServices } = require('./dist/src/infra/services/local-services');
const { migrateDatabase } = require('./dist/src/infra/database/migration-runner');
const { seedFleet, benchToken } = require('./dist/scripts/bench/check-in-seed');
const { startNode } = require('./dist/scripts/bench/bench-processes');
const { runLoad } = require('./dist/scripts/bench/load');
(async () => {
  const s = await startLocalServices({ dataDir: mkdtempSync(join(tmpdir(), 'bprof-')) });
  try {
    await migrateDatabase(s.databaseUrl);
    await seedFleet(s.databaseUrl, { computers: 3000, updates: 2000, groups: 200, approvals: 500, offerSize: 50 });
    process.env.BENCH_NODE_ARGS = '--cpu-prof --cpu-prof-dir=/tmp/prof3';
    const env = { ...process.env, DATABASE_URL: s.databaseUrl, REDIS_URL: s.redisUrl, JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', PATCHGATE_RUN_MIGRATIONS: 'false', HOST: '127.0.0.1', PORT: '19999' };
    const api = await startNode('src/main.js', env, /listening on [\d.]+:(\d+)/);
    const etags = [];
    for (let n = 1; n <= 2000; n++) { const r = await fetch('http://127.0.0.1:19999/client/v1/checkin', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${benchToken(n)}` }, body: '{}' }); etags[n] = r.headers.get('etag'); await r.arrayBuffer(); }
    let next = 0;
    const r = await runLoad({ url: 'http://127.0.0.1:19999', durationSeconds: 8, connections: 64, request: () => { const n = 1 + (next++ % 2000); return { method: 'POST', path: '/client/v1/checkin', headers: { 'content-type': 'application/json', authorization: `Bearer ${benchToken(n)}`, 'if-none-match': etags[n] }, body: '{}' }; } });
    console.log('304s', r.requestsPerSecond, r.statusCounts);
    await api.stop();
  } finally { await s.stop(); }
})().catch(e => { console.error(e); process.exit(1); });
