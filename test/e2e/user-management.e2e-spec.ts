import { randomBytes } from 'node:crypto';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

describe('user and API-token management', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  afterAll(() => app.close());

  const newUser = async (role = 'auditor') => {
    const user = { username: `u-${randomBytes(4).toString('hex')}`, password: `pw-${randomBytes(12).toString('hex')}`, role };
    const created = await app.http.post('/api/v1/users', user, { token: admin });
    expect(created.status).toBe(201);
    return { ...user, id: created.body.id as string, token: await app.login(user.username, user.password) };
  };
  const whoCanList = (token: string) => app.http.get('/api/v1/updates?limit=1', { token }).then((res) => res.status);
  const audited = async (action: string, targetId: string) =>
    (await app.db.query(`SELECT result, actor_name, summary FROM audit_events WHERE action = $1 AND target_id = $2`, [action, targetId])) as {
      result: string;
      actor_name: string;
      summary: Record<string, unknown>;
    }[];

  it('an admin disables a user: their session ends at once (401) and they cannot log in; enabling brings them back', async () => {
    const user = await newUser();
    expect(await whoCanList(user.token)).toBe(200);
    const disabled = await app.http.patch(`/api/v1/users/${user.id}`, { disabled: true }, { token: admin });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabledAt).toEqual(expect.any(String));
    expect(await whoCanList(user.token)).toBe(401);
    expect((await app.http.post('/api/v1/auth/login', { username: user.username, password: user.password })).status).toBe(401);
    expect((await audited('PATCH /api/v1/users/:id', user.id))[0]).toMatchObject({ result: 'success', actor_name: TEST_ADMIN.username });

    expect((await app.http.patch(`/api/v1/users/${user.id}`, { disabled: false }, { token: admin })).body.disabledAt).toBeNull();
    expect(await app.login(user.username, user.password)).toEqual(expect.any(String));
  });

  it('an admin changes a role: the old session (issued for the old role) is refused, a new one has the new role', async () => {
    const user = await newUser('auditor');
    expect((await app.http.post('/api/v1/groups', { name: `g-${user.username}` }, { token: user.token })).status).toBe(403);
    const changed = await app.http.patch(`/api/v1/users/${user.id}`, { role: 'admin' }, { token: admin });
    expect(changed.body.role).toBe('admin');
    expect(await whoCanList(user.token)).toBe(401);
    const fresh = await app.login(user.username, user.password);
    expect((await app.http.post('/api/v1/groups', { name: `g-${user.username}` }, { token: fresh })).status).toBe(201);
  });

  it('the last enabled admin can be neither demoted nor disabled (409)', async () => {
    const { body: users } = await app.http.get('/api/v1/users?limit=500', { token: admin });
    const admins = users.items.filter((u: { role: string; disabledAt: string | null }) => u.role === 'admin' && !u.disabledAt);
    // Demote every admin but the test admin, who is then the last one and can be neither demoted nor disabled.
    const self = admins.find((u: { username: string }) => u.username === TEST_ADMIN.username) as { id: string };
    for (const other of admins.filter((u: { id: string }) => u.id !== self.id)) {
      expect((await app.http.patch(`/api/v1/users/${other.id}`, { role: 'approver' }, { token: admin })).status).toBe(200);
    }
    const demote = await app.http.patch(`/api/v1/users/${self.id}`, { role: 'auditor' }, { token: admin });
    expect(demote.status).toBe(409);
    expect(demote.body.type).toBe('urn:patchgate:problem:last_admin');
    expect((await app.http.patch(`/api/v1/users/${self.id}`, { disabled: true }, { token: admin })).status).toBe(409);
  });

  it('a user changes their own password with the current one; a wrong current password is 403; old sessions end', async () => {
    const user = await newUser('approver');
    const wrong = await app.http.put('/api/v1/users/me/password', { currentPassword: 'not-it', password: 'a-new-long-password' }, { token: user.token });
    expect(wrong.status).toBe(403);
    const changed = await app.http.put('/api/v1/users/me/password', { currentPassword: user.password, password: 'a-new-long-password' }, { token: user.token });
    expect(changed.status).toBe(204);
    // Sessions are checked to the second: wait for the next one so the old token is strictly older.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await whoCanList(user.token)).toBe(401);
    expect((await app.http.post('/api/v1/auth/login', { username: user.username, password: user.password })).status).toBe(401);
    expect(await whoCanList(await app.login(user.username, 'a-new-long-password'))).toBe(200);
    // Audited, without the passwords.
    const rows = await app.db.query(`SELECT summary::text AS summary FROM audit_events WHERE action = 'PUT /api/v1/users/me/password'`);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows as { summary: string }[]) expect(row.summary).not.toMatch(/a-new-long-password|not-it/);
  });

  it('an admin resets a password; only admins may, API tokens have no own password', async () => {
    const user = await newUser();
    const other = await newUser();
    expect((await app.http.put(`/api/v1/users/${other.id}/password`, { password: 'reset-by-someone' }, { token: user.token })).status).toBe(403);
    expect((await app.http.put(`/api/v1/users/${user.id}/password`, { password: 'reset-by-the-admin' }, { token: admin })).status).toBe(204);
    expect(await app.login(user.username, 'reset-by-the-admin')).toEqual(expect.any(String));
    expect((await app.http.put(`/api/v1/users/${randomUUIDLike()}/password`, { password: 'reset-by-the-admin' }, { token: admin })).status).toBe(404);

    const { body: token } = await app.http.post('/api/v1/api-tokens', { name: 'robot', role: 'auditor' }, { token: admin });
    expect((await app.http.put('/api/v1/users/me/password', { currentPassword: 'x', password: 'a-new-long-password' }, { token: token.token })).status).toBe(403);
  });

  it('API tokens expire (90 days by default), are listed without their secret, and revoked at once', async () => {
    const before = Date.now();
    const made = await app.http.post('/api/v1/api-tokens', { name: 'ci', role: 'auditor' }, { token: admin });
    expect(made.status).toBe(201);
    const days = (Date.parse(made.body.expiresAt) - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThan(90.01);
    expect(await whoCanList(made.body.token)).toBe(200);

    const never = await app.http.post('/api/v1/api-tokens', { name: 'forever', role: 'auditor', expiresAt: null }, { token: admin });
    expect(never.body.expiresAt).toBeNull();
    expect((await app.http.post('/api/v1/api-tokens', { name: 'past', role: 'auditor', expiresAt: '2020-01-01T00:00:00Z' }, { token: admin })).status).toBe(400);

    const listed = await app.http.get('/api/v1/api-tokens?limit=500', { token: admin });
    expect(listed.status).toBe(200);
    const mine = listed.body.items.find((t: { id: string }) => t.id === made.body.id);
    expect(mine).toMatchObject({ name: 'ci', role: 'auditor', active: true, revokedAt: null, expiresAt: made.body.expiresAt });
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);

    const revoked = await app.http.delete(`/api/v1/api-tokens/${made.body.id}`, { token: admin });
    expect(revoked.status).toBe(204);
    expect(await whoCanList(made.body.token)).toBe(401);
    expect((await app.http.delete(`/api/v1/api-tokens/${made.body.id}`, { token: admin })).status).toBe(204);
    expect((await app.http.delete(`/api/v1/api-tokens/${randomUUIDLike()}`, { token: admin })).status).toBe(404);
    const after = (await app.http.get('/api/v1/api-tokens?limit=500', { token: admin })).body.items.find((t: { id: string }) => t.id === made.body.id);
    expect(after).toMatchObject({ active: false, revokedAt: expect.any(String) });
    expect((await audited('DELETE /api/v1/api-tokens/:id', made.body.id))[0]).toMatchObject({ result: 'success' });
  });

  it('an expired API token gets 401', async () => {
    const made = await app.http.post('/api/v1/api-tokens', { name: 'short', role: 'auditor' }, { token: admin });
    expect(await whoCanList(made.body.token)).toBe(200);
    await app.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [made.body.id]);
    expect(await whoCanList(made.body.token)).toBe(401);
  });

  it('the token list pages newest first', async () => {
    for (let i = 0; i < 3; i++) await app.http.post('/api/v1/api-tokens', { name: `page-${i}`, role: 'auditor' }, { token: admin });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string; createdAt: string }[]; nextCursor: string | null } } = await app.http.get(`/api/v1/api-tokens?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      seen.push(...res.body.items.map((t) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const all = (await app.db.query(`SELECT id FROM api_tokens ORDER BY date_trunc('milliseconds', created_at) DESC, id DESC`)) as { id: string }[];
    expect(seen).toEqual(all.map((row) => row.id));
  });
});

function randomUUIDLike(): string {
  return '00000000-0000-4000-8000-0000000000ff';
}
