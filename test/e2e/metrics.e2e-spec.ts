import { feedItem } from '../factories/catalog.factory';
import { syncFeedItems } from '../factories/catalog.factory';
import { registerComputer } from '../factories/computers.factory';
import { insertUpdate } from '../factories/updates.factory';
import { eventually } from '../support/eventually';
import { sample } from '../support/prometheus';
import { startTestApp, TestApp } from '../support/test-app';

describe('metrics', () => {
  let app: TestApp;
  let admin: string;
  const scrape = async (token?: string) => {
    const res = await fetch(`${app.http.baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
  };

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
  }, 120_000);
  afterAll(() => app.close());

  it('exposes the named series in Prometheus text format, with no token configured', async () => {
    await app.http.get('/api/v1/updates', { token: admin });
    const { status, contentType, text } = await scrape();
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'patchgate_http_request_duration_seconds',
      'patchgate_check_ins_total',
      'patchgate_status_events_accepted_total',
      'patchgate_status_events_persisted_total',
      'patchgate_sync_runs',
      'patchgate_sync_last_run_duration_seconds',
      'patchgate_sync_last_success_timestamp_seconds',
      'patchgate_maintenance_last_success_timestamp_seconds',
      'patchgate_queue_jobs',
      'patchgate_computers',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'patchgate_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/updates', status: '200' })).toBe(1);
    expect(text).toContain('patchgate_queue_jobs{queue="maintenance",state="failed"} 0');
  });

  it('labels requests by route template, never by the raw URL', async () => {
    const id = '6f1f8a52-4b7e-4d3c-9a55-0000000000aa';
    await app.http.get(`/api/v1/updates/${id}`, { token: admin });
    await app.http.get('/no/such/path');
    const { text } = await scrape();
    expect(sample(text, 'patchgate_http_request_duration_seconds_count', { route: '/api/v1/updates/:updateId', status: '404' })).toBe(1);
    expect(sample(text, 'patchgate_http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toContain(id);
  });

  it('counts check-ins (200 and 304), computers by staleness, and status events accepted and persisted', async () => {
    const before = await scrape();
    const pc = await registerComputer(app, admin);
    const updateId = await insertUpdate(app.db);
    const first = await app.http.post('/client/v1/checkin', {}, { token: pc.token });
    expect(first.status).toBe(200);
    const again = await app.http.post('/client/v1/checkin', {}, { token: pc.token, headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const events = [1, 2, 3].map((seq) => ({ updateId, revision: 1, state: 'downloaded', occurredAt: new Date().toISOString(), seq }));
    expect((await app.http.post('/client/v1/status', { events }, { token: pc.token })).status).toBe(202);

    const persisted = sample(before.text, 'patchgate_status_events_persisted_total') + 3;
    const after = await eventually(scrape, (s) => sample(s.text, 'patchgate_status_events_persisted_total') === persisted);
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after.text, name, labels) - sample(before.text, name, labels);
    expect(delta('patchgate_check_ins_total', { result: '200' })).toBe(1);
    expect(delta('patchgate_check_ins_total', { result: '304' })).toBe(1);
    expect(delta('patchgate_status_events_accepted_total')).toBe(3);
    expect(delta('patchgate_computers', { staleness: 'fresh' })).toBe(1);

    await app.db.query(`UPDATE computers SET last_seen_at = now() - interval '400 days', registered_at = now() - interval '400 days' WHERE id = $1`, [pc.computerId]);
    const later = await scrape();
    expect(sample(later.text, 'patchgate_computers', { staleness: 'stale' }) - sample(after.text, 'patchgate_computers', { staleness: 'stale' })).toBe(1);
  });

  it('reports sync runs, the last run and its counts', async () => {
    const before = await scrape();
    const run = await syncFeedItems(app, admin, [[feedItem(), feedItem(), feedItem({ state: 'expired' })]]);
    expect(run.status).toBe('succeeded');
    const { text } = await scrape();
    expect(sample(text, 'patchgate_sync_runs', { status: 'succeeded' }) - sample(before.text, 'patchgate_sync_runs', { status: 'succeeded' })).toBe(1);
    expect(sample(text, 'patchgate_sync_last_run_updates', { change: 'new' })).toBe(3);
    expect(sample(text, 'patchgate_sync_last_run_succeeded')).toBe(1);
    expect(sample(text, 'patchgate_sync_last_run_duration_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'patchgate_sync_last_success_timestamp_seconds')).toBeCloseTo(Date.now() / 1000, -2);
  });

  describe('with PATCHGATE_METRICS_TOKEN', () => {
    let guarded: TestApp;
    const token = 'scrape-token-0123456789abcdef';
    beforeAll(async () => {
      guarded = await startTestApp({ env: { PATCHGATE_METRICS_TOKEN: token } });
    }, 120_000);
    afterAll(() => guarded.close());

    it('answers 401 without the token or with a wrong one, and the metrics with it', async () => {
      const get = (headers: Record<string, string>) => fetch(`${guarded.http.baseUrl}/metrics`, { headers });
      expect((await get({})).status).toBe(401);
      expect((await get({ authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await get({ authorization: `Bearer ${token}x` })).status).toBe(401);
      const ok = await get({ authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('patchgate_check_ins_total');
    });
  });
});
