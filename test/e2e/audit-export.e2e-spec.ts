import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { csvRecords } from '../support/csv';
import { eventually } from '../support/eventually';
import { startTestApp, TestApp } from '../support/test-app';

const ROWS = 100_000;

/** V8's full garbage collection, without starting node with --expose-gc. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * A big export streams: the API runs in this process, so its heap is ours to watch while the
 * body arrives. Loading the selection would hold every row at once (well over the export's size
 * as JS objects); a cursor holds a batch.
 */
describe('audit export of a large selection', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp();
    token = await app.login();
    await app.db.query(
      `INSERT INTO audit_events (at, actor_type, actor_id, actor_name, actor_role, action, target_type, target_id, result, status_code, client_ip, request_id, summary)
       SELECT now() - (g || ' seconds')::interval, 'user', 'u-' || g, 'bulk-user', 'admin', 'PATCH /api/v1/groups/:id', 'group', md5(g::text),
              'success', 200, '10.0.0.1', 'req-' || g, jsonb_build_object('name', '=cmd|' || repeat('x', 700), 'n', g)
         FROM generate_series(1, ${ROWS}) AS g`,
    );
  }, 120_000);
  afterAll(() => app.close());

  it(`streams ${ROWS} events as CSV with heap growth far below the export's size`, async () => {
    // What the export keeps alive, not garbage awaiting collection: measured after a full GC at
    // checkpoints, so the figure does not depend on when V8 happens to collect.
    const retainedHeap = () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    const baseline = retainedHeap();
    let peak = baseline;
    let nextCheckpoint = 0;
    let bytes = 0;
    let newlines = 0;
    let head = '';
    const res = await fetch(`${app.http.baseUrl}/api/v1/audit/events?format=csv&actor=bulk-user`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const byte of value) if (byte === 10) newlines++;
      if (head.length < 4096) head += Buffer.from(value).toString('utf8');
      if (bytes >= nextCheckpoint) {
        peak = Math.max(peak, retainedHeap());
        nextCheckpoint += 8 * 1024 * 1024;
      }
    }
    expect(newlines).toBe(ROWS + 1); // the header, then one line per event (no field holds a newline)
    const [first] = csvRecords(head.slice(0, head.indexOf('\n', head.indexOf('\n') + 1) + 1));
    expect(first).toMatchObject({ actorName: 'bulk-user', result: 'success' });
    expect(JSON.parse(first.summary).name.startsWith('=cmd|')).toBe(true); // inside JSON, the cell starts with '{'
    expect(bytes).toBeGreaterThan(70 * 1024 * 1024);
    const growth = peak - baseline;
    console.log(`export ${(bytes / 1048576).toFixed(1)} MiB, retained heap growth at peak ${(growth / 1048576).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(bytes / 4);
  }, 120_000);

  it('a client that leaves mid-export gives its database connection back', async () => {
    // More abandoned exports than the pool has connections: a leak would leave the last request waiting forever.
    for (let i = 0; i < 25; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(`${app.http.baseUrl}/api/v1/audit/events?format=ndjson`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
        req.end();
      });
    }
    const after = await app.http.get('/api/v1/audit/events?limit=1', { token });
    expect(after.status).toBe(200);
    expect(after.body.items).toHaveLength(1);
    const exporting = async () =>
      (await app.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'patchgate' AND state <> 'idle' AND query LIKE 'SELECT * FROM audit_events%'`))[0].n;
    await eventually(exporting, (n) => n === 0);
  }, 60_000);
});
