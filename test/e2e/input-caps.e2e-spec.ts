import { ALL_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { startTestApp, TestApp } from '../support/test-app';

describe('input caps: every string is length-capped before any regex', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  afterAll(() => app.close());

  it('a 40,000-character timestamp (once a quadratic regex) is a 400 naming the field and its cap', async () => {
    const huge = `2026-01-15${'T'.repeat(40_000)}`;
    const body = await app.http.put('/api/v1/approvals', { updateId: '12345678-9abc-0def-1234-56789abcdef0', groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install', deadline: huge }, { token: admin });
    expect(body.status).toBe(400);
    expect(body.headers.get('content-type')).toContain('application/problem+json');
    expect(body.body.errors).toEqual([{ field: 'deadline', message: 'deadline must be at most 64 characters long' }]);

    const query = await app.http.get(`/api/v1/audit/events?from=${'T'.repeat(12_000)}`, { token: admin });
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([{ field: 'from', message: 'from must be at most 64 characters long' }]);
  });

  it('nested and array fields are capped too', async () => {
    const res = await app.http.post('/api/v1/approvals/bulk', { items: [{ updateId: 'x'.repeat(40_000), groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' }] }, { token: admin });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'items.0.updateId', message: 'updateId must be at most 36 characters long' }]);
  });

  it('a valid timestamp still passes', async () => {
    const res = await app.http.get(`/api/v1/audit/events?from=${encodeURIComponent('2026-01-15T18:00:00+02:00')}`, { token: admin });
    expect(res.status).toBe(200);
  });
});
