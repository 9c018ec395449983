import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';

describe('login throttling: counted before the password check, per the address the proxy saw', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp({
      env: { PATCHGATE_LOGIN_MAX_FAILURES_PER_USER: '5', PATCHGATE_LOGIN_MAX_FAILURES_PER_IP: '4', PATCHGATE_LOGIN_LOCK_SECONDS: '600', PATCHGATE_TRUST_PROXY: 'true' },
    });
    admin = await app.login(); // from 127.0.0.1, no X-Forwarded-For: the peer itself
  });
  afterAll(() => app.close());

  const login = (username: string, password: string, xff: string) => app.http.post('/api/v1/auth/login', { username, password }, { headers: { 'x-forwarded-for': xff } });

  it('parallel guesses cannot outrun the limit: of 20 at once, exactly 5 get their password checked', async () => {
    const user = { username: `race-${randomUUID().slice(0, 8)}`, password: 'a-long-enough-password' };
    expect((await app.http.post('/api/v1/users', { ...user, role: 'auditor' }, { token: admin })).status).toBe(201);
    // A distinct proxy-seen address per guess, so only the username limit applies.
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => login(user.username, `guess-${i}`, `198.51.100.${i + 1}`).then((res) => res.status)));
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    const audited = await app.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'POST /api/v1/auth/login' AND actor_name = $1`, [user.username]);
    expect(audited[0].n).toBe(5);
  });

  it('the per-IP limit counts the address the trusted proxy saw: a client rotating its own X-Forwarded-For entry is still locked', async () => {
    // nginx's $proxy_add_x_forwarded_for appends the peer it saw (203.0.113.9) to what the client sent.
    for (let i = 0; i < 4; i++) expect((await login(`nobody-${i}`, 'guess', `10.${i}.0.1, 203.0.113.9`)).status).toBe(401);
    const locked = await login('nobody-else', 'guess', '10.99.0.1, 203.0.113.9');
    expect(locked.status).toBe(429);
    // Another client behind the same proxy is not locked.
    expect((await login(`nobody-${randomUUID().slice(0, 4)}`, 'guess', '203.0.113.10')).status).toBe(401);
    const rows = await app.db.query(`SELECT DISTINCT client_ip FROM audit_events WHERE action = 'POST /api/v1/auth/login' AND actor_name LIKE 'nobody-%'`);
    expect(rows.map((row: { client_ip: string }) => row.client_ip).sort()).toEqual(['203.0.113.10', '203.0.113.9']);
  });
});
