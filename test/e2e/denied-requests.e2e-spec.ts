import { sample, scrapeMetrics } from '../support/prometheus';
import { startTestApp, TestApp } from '../support/test-app';

/** Issue 18 item 8: unauthenticated requests cannot write audit rows without bound, nor their bodies. */
describe('denied requests in the audit trail', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('records at most 20 denials per address and minute, then one aggregate row, then only counts; a 401 body is never stored', async () => {
    // Keep the burst inside one minute, the window the bound counts in.
    const secondsLeft = 60 - (Date.now() / 1000) % 60;
    if (secondsLeft < 20) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 100));
    const [{ before }] = await app.db.query(`SELECT count(*)::int AS before FROM audit_events WHERE result = 'denied'`);
    expect(before).toBe(0);
    for (let i = 0; i < 30; i++) {
      const res = await app.http.post('/api/v1/groups', { name: `flood-${i}`, description: 'x'.repeat(2000) }, { token: 'pga_not-a-real-token' });
      expect(res.status).toBe(401);
    }
    const rows: { action: string; status_code: number; summary: Record<string, unknown> | null }[] = await app.db.query(
      `SELECT action, status_code, summary FROM audit_events WHERE result = 'denied' ORDER BY id`,
    );
    expect(rows).toHaveLength(21);
    expect(rows.slice(0, 20).every((r) => r.action === 'POST /api/v1/groups' && r.status_code === 401)).toBe(true);
    expect(rows[20].action).toBe('denied requests (aggregated)');
    for (const row of rows) {
      expect(JSON.stringify(row.summary ?? {})).not.toContain('flood-');
      expect(JSON.stringify(row.summary ?? {})).not.toContain('xxxxxxxx');
    }
    expect(sample(await scrapeMetrics(app.http.baseUrl), 'patchgate_audit_denials_suppressed_total')).toBe(9);
  });
});
