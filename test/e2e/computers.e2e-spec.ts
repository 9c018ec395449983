import { Role } from '../../src/common/auth/role';
import { ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { createEnrollmentKey, registerComputer, registrationBody } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { userWithRole } from '../factories/users.factory';
import { startTestApp, TestApp } from '../support/test-app';

describe('enrollment and computers', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  afterAll(() => app.close());

  const setTargeting = async (targetingMode: 'server' | 'client') => {
    expect((await app.http.put('/api/v1/settings', { targetingMode }, { token: admin })).status).toBe(200);
  };
  const groupOf = async (computerId: string) => (await app.http.get(`/api/v1/computers/${computerId}`, { token: admin })).body;

  describe('enrollment keys', () => {
    it('are shown once, stored hashed, and listed without the secret but with their use count', async () => {
      const group = await createGroup(app, admin);
      const res = await app.http.post('/api/v1/enrollment-keys', { name: 'Lab', groupId: group.id, maxUses: 5 }, { token: admin });
      expect(res.status).toBe(201);
      expect(res.body.key).toMatch(/^pge_/);
      expect(res.body).toMatchObject({ name: 'Lab', groupId: group.id, groupName: group.name, maxUses: 5, useCount: 0, state: 'active', createdBy: 'admin' });
      const [stored] = await app.db.query('SELECT key_hash FROM enrollment_keys WHERE id = $1', [res.body.id]);
      expect(stored.key_hash).not.toContain(res.body.key);
      expect((await app.http.post('/client/v1/register', registrationBody(res.body.key))).status).toBe(201);
      const list = await app.http.get('/api/v1/enrollment-keys', { token: admin });
      const listed = list.body.items.find((k: { id: string }) => k.id === res.body.id);
      expect(listed).toMatchObject({ useCount: 1, state: 'active' });
      expect(listed).not.toHaveProperty('key');
      expect(JSON.stringify(list.body)).not.toContain(res.body.key);
    });

    it('refuses a key for an unknown group (404), for the root (409), or expiring in the past (400)', async () => {
      expect((await app.http.post('/api/v1/enrollment-keys', { name: 'x', groupId: '6f1f8a52-4b7e-4d3c-9a55-000000000000' }, { token: admin })).status).toBe(404);
      expect((await app.http.post('/api/v1/enrollment-keys', { name: 'x', groupId: ALL_COMPUTERS_GROUP_ID }, { token: admin })).status).toBe(409);
      expect((await app.http.post('/api/v1/enrollment-keys', { name: 'x', expiresAt: '2020-01-01T00:00:00Z' }, { token: admin })).status).toBe(400);
    });
  });

  describe('registration', () => {
    it('answers the computer id, a token shown once, the server public key and the check-in interval', async () => {
      const { key } = await createEnrollmentKey(app, admin);
      const res = await app.http.post('/client/v1/register', registrationBody(key, { hostname: 'ws-0001' }));
      expect(res.status).toBe(201);
      expect(res.body.token).toMatch(/^pgc_/);
      expect(res.body.checkInSeconds).toBe(1800);
      const keys = await app.http.get('/client/v1/keys');
      expect(res.body.serverPublicKey).toEqual(keys.body.keys[0]);
      const [row] = await app.db.query('SELECT token_hash, hostname, os_family, os_version, arch, agent_version FROM computers WHERE id = $1', [res.body.computerId]);
      expect(row).toMatchObject({ hostname: 'ws-0001', os_family: 'windows', os_version: '10.0.26100', arch: 'x64', agent_version: '1.0.0' });
      expect(row.token_hash).not.toContain(res.body.token);
      const me = await app.http.get('/client/v1/me', { token: res.body.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ computerId: res.body.computerId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, groupName: 'Unassigned Computers', checkInSeconds: 1800 });
    });

    it('lands in the key\'s group, whatever the targeting mode and the requested group', async () => {
      const keyGroup = await createGroup(app, admin, { name: 'Kiosks' });
      await createGroup(app, admin, { name: 'Asked For' });
      await setTargeting('client');
      try {
        const pc = await registerComputer(app, admin, { groupId: keyGroup.id, requestedGroup: 'Asked For' });
        expect(await groupOf(pc.computerId)).toMatchObject({ groupId: keyGroup.id, requestedGroup: 'Asked For' });
      } finally {
        await setTargeting('server');
      }
    });

    it('with client-side targeting, lands in the requested group by name, case-insensitively; the shallowest of namesakes wins', async () => {
      const outer = await createGroup(app, admin, { name: 'Finance' });
      const parent = await createGroup(app, admin);
      await createGroup(app, admin, { name: 'FINANCE', parentId: parent.id });
      await setTargeting('client');
      try {
        const pc = await registerComputer(app, admin, { requestedGroup: 'finance' });
        expect(await groupOf(pc.computerId)).toMatchObject({ groupId: outer.id, groupName: 'Finance', requestedGroup: 'finance' });
      } finally {
        await setTargeting('server');
      }
    });

    it('with client-side targeting, an unknown requested name lands in Unassigned Computers and is kept', async () => {
      await setTargeting('client');
      try {
        const pc = await registerComputer(app, admin, { requestedGroup: 'No Such Group' });
        expect(await groupOf(pc.computerId)).toMatchObject({ groupId: UNASSIGNED_COMPUTERS_GROUP_ID, requestedGroup: 'No Such Group' });
      } finally {
        await setTargeting('server');
      }
    });

    it('with server-side targeting, the requested group is only recorded: the computer is Unassigned', async () => {
      await createGroup(app, admin, { name: 'Wanted' });
      const pc = await registerComputer(app, admin, { requestedGroup: 'Wanted' });
      expect(await groupOf(pc.computerId)).toMatchObject({ groupId: UNASSIGNED_COMPUTERS_GROUP_ID, requestedGroup: 'Wanted' });
    });

    it('refuses unknown, expired, revoked and used-up keys with 401 problem+json, and registers nothing', async () => {
      const [{ count: before }] = await app.db.query('SELECT count(*)::int AS count FROM computers');
      const expiring = await createEnrollmentKey(app, admin, { expiresAt: new Date(Date.now() + 1500).toISOString() });
      const revoked = await createEnrollmentKey(app, admin);
      expect((await app.http.delete(`/api/v1/enrollment-keys/${revoked.id}`, { token: admin })).status).toBe(204);
      const single = await createEnrollmentKey(app, admin, { maxUses: 1 });
      expect((await app.http.post('/client/v1/register', registrationBody(single.key))).status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 1600));

      const cases: [string, string][] = [
        ['pge_not-a-real-key', 'unknown'],
        ['something-else', 'unknown'],
        [expiring.key, 'expired'],
        [revoked.key, 'revoked'],
        [single.key, 'exhausted'],
      ];
      for (const [key, reason] of cases) {
        const res = await app.http.post('/client/v1/register', registrationBody(key));
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body).toMatchObject({ status: 401, reason });
      }
      const [{ count: after }] = await app.db.query('SELECT count(*)::int AS count FROM computers');
      expect(after).toBe(before + 1);
      const keys = await app.http.get('/api/v1/enrollment-keys?limit=500', { token: admin });
      const states = new Map(keys.body.items.map((k: { id: string; state: string }) => [k.id, k.state]));
      expect([states.get(expiring.id), states.get(revoked.id), states.get(single.id)]).toEqual(['expired', 'revoked', 'exhausted']);
    });

    it('never exceeds maxUses, even with 12 registrations at once', async () => {
      const { id, key } = await createEnrollmentKey(app, admin, { maxUses: 3 });
      const answers = await Promise.all(Array.from({ length: 12 }, () => app.http.post('/client/v1/register', registrationBody(key))));
      expect(answers.filter((r) => r.status === 201)).toHaveLength(3);
      expect(answers.filter((r) => r.status === 401)).toHaveLength(9);
      const [row] = await app.db.query('SELECT use_count FROM enrollment_keys WHERE id = $1', [id]);
      expect(row.use_count).toBe(3);
      const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM computers WHERE enrollment_key_id = $1', [id]);
      expect(count).toBe(3);
    });

    it('validates the body: unknown fields and missing OS facts are 400', async () => {
      const { key } = await createEnrollmentKey(app, admin);
      expect((await app.http.post('/client/v1/register', { ...registrationBody(key), serial: 'x' })).status).toBe(400);
      const res = await app.http.post('/client/v1/register', { ...registrationBody(key), os: { family: 'windows' } });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('os.version');
    });
  });

  describe('the computer token', () => {
    it('works only on /client/v1: admin routes answer 401', async () => {
      const pc = await registerComputer(app, admin);
      expect((await app.http.get('/client/v1/me', { token: pc.token })).status).toBe(200);
      expect((await app.http.get('/api/v1/computers', { token: pc.token })).status).toBe(401);
      expect((await app.http.put('/api/v1/approvals', {}, { token: pc.token })).status).toBe(401);
      // and a person's token is not a computer's
      expect((await app.http.get('/client/v1/me', { token: admin })).status).toBe(401);
      expect((await app.http.get('/client/v1/me', { token: `${pc.token}x` })).status).toBe(401);
    });

    it('stops working once the computer is deleted (revoked): 401, and the row keeps revokedAt', async () => {
      const pc = await registerComputer(app, admin);
      expect((await app.http.delete(`/api/v1/computers/${pc.computerId}`, { token: admin })).status).toBe(204);
      const me = await app.http.get('/client/v1/me', { token: pc.token });
      expect(me.status).toBe(401);
      expect(me.headers.get('content-type')).toContain('application/problem+json');
      const detail = await app.http.get(`/api/v1/computers/${pc.computerId}`, { token: admin });
      expect(detail.body.revokedAt).not.toBeNull();
      const list = await app.http.get('/api/v1/computers?limit=500', { token: admin });
      expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(pc.computerId);
      expect((await app.http.delete('/api/v1/computers/6f1f8a52-4b7e-4d3c-9a55-000000000000', { token: admin })).status).toBe(404);
    });
  });

  describe('inventory', () => {
    it('moves a computer between groups (server-side targeting); not into the root; 404 for unknown ones', async () => {
      const pc = await registerComputer(app, admin);
      const group = await createGroup(app, admin);
      const res = await app.http.put(`/api/v1/computers/${pc.computerId}/group`, { groupId: group.id }, { token: admin });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ groupId: group.id, groupName: group.name });
      expect((await app.http.get('/client/v1/me', { token: pc.token })).body.groupId).toBe(group.id);
      expect((await app.http.put(`/api/v1/computers/${pc.computerId}/group`, { groupId: ALL_COMPUTERS_GROUP_ID }, { token: admin })).status).toBe(409);
      expect((await app.http.put(`/api/v1/computers/${pc.computerId}/group`, { groupId: '6f1f8a52-4b7e-4d3c-9a55-000000000000' }, { token: admin })).status).toBe(404);
      expect((await app.http.put('/api/v1/computers/6f1f8a52-4b7e-4d3c-9a55-000000000000/group', { groupId: group.id }, { token: admin })).status).toBe(404);
    });

    it('filters by group (with or without subgroups), hostname text and staleness, and pages', async () => {
      const top = await createGroup(app, admin);
      const sub = await createGroup(app, admin, { parentId: top.id });
      const fresh = await registerComputer(app, admin, { groupId: top.id, hostname: 'alpha-fresh' });
      const old = await registerComputer(app, admin, { groupId: sub.id, hostname: 'alpha-old' });
      await app.db.query(`UPDATE computers SET registered_at = now() - interval '30 days', last_seen_at = now() - interval '20 days' WHERE id = $1`, [old.computerId]);
      const ids = async (query: string) =>
        (await app.http.get(`/api/v1/computers?${query}`, { token: admin })).body.items.map((c: { id: string }) => c.id);

      expect(await ids(`groupId=${top.id}`)).toEqual([fresh.computerId]);
      expect(await ids(`groupId=${top.id}&includeSubgroups=true`)).toEqual([fresh.computerId, old.computerId]);
      expect(await ids(`groupId=${top.id}&includeSubgroups=true&stale=true`)).toEqual([old.computerId]);
      expect(await ids(`groupId=${top.id}&includeSubgroups=true&stale=false`)).toEqual([fresh.computerId]);
      expect(await ids('q=ALPHA-O')).toEqual([old.computerId]);
      const detail = await app.http.get(`/api/v1/computers/${old.computerId}`, { token: admin });
      expect(detail.body).toMatchObject({ stale: true, hostname: 'alpha-old', inventory: {} });

      // a shorter stale period in the settings makes the fresh one stale too
      await app.db.query(`UPDATE computers SET registered_at = now() - interval '3 days' WHERE id = $1`, [fresh.computerId]);
      expect((await app.http.put('/api/v1/settings', { staleAfterDays: 2 }, { token: admin })).status).toBe(200);
      expect(await ids(`groupId=${top.id}&includeSubgroups=true&stale=true`)).toEqual([fresh.computerId, old.computerId]);
      expect((await app.http.put('/api/v1/settings', { staleAfterDays: 14 }, { token: admin })).status).toBe(200);

      const page1 = await app.http.get(`/api/v1/computers?groupId=${top.id}&includeSubgroups=true&limit=1`, { token: admin });
      expect(page1.body.items).toHaveLength(1);
      const page2 = await app.http.get(`/api/v1/computers?groupId=${top.id}&includeSubgroups=true&limit=1&cursor=${page1.body.nextCursor}`, { token: admin });
      expect(page2.body.items[0].id).toBe(old.computerId);
      expect(page2.body.nextCursor).toBeNull();
    });

    it('every role reads computers; approver and auditor get 403 on every write', async () => {
      const pc = await registerComputer(app, admin);
      const group = await createGroup(app, admin);
      const key = await createEnrollmentKey(app, admin);
      for (const role of [Role.Approver, Role.Auditor]) {
        const { token } = await userWithRole(app, role, admin);
        expect((await app.http.get('/api/v1/computers', { token })).status).toBe(200);
        expect((await app.http.get(`/api/v1/computers/${pc.computerId}`, { token })).status).toBe(200);
        expect((await app.http.get(`/api/v1/computers/${pc.computerId}/effective-approvals`, { token })).status).toBe(200);
        expect((await app.http.put(`/api/v1/computers/${pc.computerId}/group`, { groupId: group.id }, { token })).status).toBe(403);
        expect((await app.http.delete(`/api/v1/computers/${pc.computerId}`, { token })).status).toBe(403);
        expect((await app.http.post('/api/v1/enrollment-keys', { name: 'k' }, { token })).status).toBe(403);
        expect((await app.http.get('/api/v1/enrollment-keys', { token })).status).toBe(403);
        expect((await app.http.delete(`/api/v1/enrollment-keys/${key.id}`, { token })).status).toBe(403);
      }
      expect((await app.http.post('/client/v1/register', registrationBody(key.key))).status).toBe(201);
      expect((await app.http.get('/client/v1/me', { token: pc.token })).body.groupId).toBe(UNASSIGNED_COMPUTERS_GROUP_ID);
    });
  });
});
