import { Role } from '../../src/common/auth/role';
import { ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { approve, logRows } from '../factories/approvals.factory';
import { createEnrollmentKey, registerComputer } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { userWithRole } from '../factories/users.factory';
import { startTestApp, TestApp } from '../support/test-app';

describe('computer groups', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  afterAll(() => app.close());

  const versionsOf = async (ids: string[]): Promise<Map<string, number>> => {
    const rows: { id: string; v: number }[] = await app.db.query('SELECT id, approval_version::int AS v FROM computer_groups WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.v]));
  };

  it('has the built-in tree with fixed ids: All Computers (root) and its child Unassigned Computers', async () => {
    const res = await app.http.get(`/api/v1/groups/${UNASSIGNED_COMPUTERS_GROUP_ID}`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Unassigned Computers',
      parentId: ALL_COMPUTERS_GROUP_ID,
      path: [ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID],
      depth: 1,
      builtIn: true,
    });
    const root = await app.http.get(`/api/v1/groups/${ALL_COMPUTERS_GROUP_ID}`, { token: admin });
    expect(root.body).toMatchObject({ name: 'All Computers', parentId: null, depth: 0, builtIn: true });
  });

  it('creates groups under the root by default and under a parent, keeping path and depth', async () => {
    const ring = await createGroup(app, admin, { name: 'Rings' });
    expect(ring).toMatchObject({ parentId: ALL_COMPUTERS_GROUP_ID, path: [ALL_COMPUTERS_GROUP_ID, ring.id], depth: 1 });
    const pilot = await createGroup(app, admin, { name: 'Pilot', parentId: ring.id });
    expect(pilot).toMatchObject({ parentId: ring.id, path: [ALL_COMPUTERS_GROUP_ID, ring.id, pilot.id], depth: 2 });
  });

  it('refuses a sibling with the same name in any case (409), but allows it under another parent', async () => {
    const a = await createGroup(app, admin, { name: 'Servers' });
    const dup = await app.http.post('/api/v1/groups', { name: 'SERVERS' }, { token: admin });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toContain('application/problem+json');
    const nested = await createGroup(app, admin, { name: 'servers', parentId: a.id });
    expect(nested.parentId).toBe(a.id);
    const renamed = await app.http.patch(`/api/v1/groups/${nested.id}`, { name: 'Web' }, { token: admin });
    expect(renamed.status).toBe(200);
    const clash = await createGroup(app, admin, { name: 'Db', parentId: a.id });
    expect((await app.http.patch(`/api/v1/groups/${clash.id}`, { name: 'web' }, { token: admin })).status).toBe(409);
  });

  it('404s an unknown parent and refuses subgroups of Unassigned Computers', async () => {
    expect((await app.http.post('/api/v1/groups', { name: 'x', parentId: '6f1f8a52-4b7e-4d3c-9a55-000000000000' }, { token: admin })).status).toBe(404);
    expect((await app.http.post('/api/v1/groups', { name: 'x', parentId: UNASSIGNED_COMPUTERS_GROUP_ID }, { token: admin })).status).toBe(409);
  });

  it('moves a subtree: every path below is rewritten and every version below grows', async () => {
    const a = await createGroup(app, admin, { name: 'A' });
    const b = await createGroup(app, admin, { name: 'B', parentId: a.id });
    const c = await createGroup(app, admin, { name: 'C', parentId: b.id });
    const target = await createGroup(app, admin, { name: 'Target' });
    const sibling = await createGroup(app, admin, { name: 'Untouched', parentId: a.id });
    const before = await versionsOf([b.id, c.id, sibling.id, a.id]);

    const res = await app.http.patch(`/api/v1/groups/${b.id}`, { parentId: target.id }, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ parentId: target.id, path: [ALL_COMPUTERS_GROUP_ID, target.id, b.id], depth: 2 });
    const movedChild = await app.http.get(`/api/v1/groups/${c.id}`, { token: admin });
    expect(movedChild.body).toMatchObject({ path: [ALL_COMPUTERS_GROUP_ID, target.id, b.id, c.id], depth: 3 });

    const after = await versionsOf([b.id, c.id, sibling.id, a.id]);
    expect(after.get(b.id)).toBeGreaterThan(before.get(b.id)!);
    expect(after.get(c.id)).toBeGreaterThan(before.get(c.id)!);
    expect(after.get(sibling.id)).toBe(before.get(sibling.id));
    expect(after.get(a.id)).toBe(before.get(a.id));
  });

  it('refuses to move a group under itself or its own descendant (409) and changes nothing', async () => {
    const top = await createGroup(app, admin);
    const mid = await createGroup(app, admin, { parentId: top.id });
    const leaf = await createGroup(app, admin, { parentId: mid.id });
    for (const parentId of [leaf.id, mid.id, top.id]) {
      const res = await app.http.patch(`/api/v1/groups/${top.id}`, { parentId }, { token: admin });
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('urn:patchgate:problem:group_cycle');
    }
    const [row] = await app.db.query('SELECT parent_id, path::text[] AS path FROM computer_groups WHERE id = $1', [top.id]);
    expect(row).toEqual({ parent_id: ALL_COMPUTERS_GROUP_ID, path: [ALL_COMPUTERS_GROUP_ID, top.id] });
  });

  it('built-ins cannot be renamed, moved or deleted (409)', async () => {
    const other = await createGroup(app, admin);
    for (const id of [ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID]) {
      expect((await app.http.patch(`/api/v1/groups/${id}`, { name: 'Renamed' }, { token: admin })).status).toBe(409);
      expect((await app.http.patch(`/api/v1/groups/${id}`, { parentId: other.id }, { token: admin })).status).toBe(409);
      expect((await app.http.delete(`/api/v1/groups/${id}`, { token: admin })).status).toBe(409);
    }
    const [row] = await app.db.query('SELECT name FROM computer_groups WHERE id = $1', [UNASSIGNED_COMPUTERS_GROUP_ID]);
    expect(row.name).toBe('Unassigned Computers');
  });

  it('refuses to delete a group with subgroups, with computers, or targeted by an active enrollment key (409)', async () => {
    const parent = await createGroup(app, admin);
    await createGroup(app, admin, { parentId: parent.id });
    expect((await app.http.delete(`/api/v1/groups/${parent.id}`, { token: admin })).status).toBe(409);

    const withMember = await createGroup(app, admin);
    await registerComputer(app, admin, { groupId: withMember.id });
    const res = await app.http.delete(`/api/v1/groups/${withMember.id}`, { token: admin });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ members: 1, children: 0 });

    const keyed = await createGroup(app, admin);
    const key = await createEnrollmentKey(app, admin, { groupId: keyed.id });
    expect((await app.http.delete(`/api/v1/groups/${keyed.id}`, { token: admin })).status).toBe(409);
    expect((await app.http.delete(`/api/v1/enrollment-keys/${key.id}`, { token: admin })).status).toBe(204);
    expect((await app.http.delete(`/api/v1/groups/${keyed.id}`, { token: admin })).status).toBe(204);
  });

  it('deletes an empty group with its approvals, logging each as reverted to none, and drops it from rules', async () => {
    const group = await createGroup(app, admin);
    const updateId = await insertUpdate(app.db);
    await approve(app, admin, { updateId, groupId: group.id, decision: 'install' });
    const rule = await app.http.post('/api/v1/approval-rules', { name: `r-${group.id}`, groupIds: [group.id, UNASSIGNED_COMPUTERS_GROUP_ID] }, { token: admin });
    expect(rule.status).toBe(201);

    expect((await app.http.delete(`/api/v1/groups/${group.id}`, { token: admin })).status).toBe(204);
    expect((await app.http.get(`/api/v1/groups/${group.id}`, { token: admin })).status).toBe(404);
    expect(await app.db.query('SELECT 1 FROM approvals WHERE group_id = $1', [group.id])).toEqual([]);
    const last = (await logRows(app)).at(-1)!;
    expect(last).toMatchObject({ group_id: group.id, update_id: updateId, previous_decision: 'install', new_decision: 'none', source: 'manual', actor_name: 'admin' });
    const ruleNow = await app.http.get(`/api/v1/approval-rules/${rule.body.id}`, { token: admin });
    expect(ruleNow.body.groupIds).toEqual([UNASSIGNED_COMPUTERS_GROUP_ID]);
    expect((await app.http.get('/api/v1/audit/verify', { token: admin })).body.ok).toBe(true);
  });

  it('lists every group with member counts, paged', async () => {
    const group = await createGroup(app, admin);
    const child = await createGroup(app, admin, { parentId: group.id });
    await registerComputer(app, admin, { groupId: group.id });
    await registerComputer(app, admin, { groupId: child.id });
    await registerComputer(app, admin, { groupId: child.id });
    const seen: { id: string; memberCount: number; totalMemberCount: number; childCount: number }[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: typeof seen; nextCursor: string | null } } = await app.http.get(
        `/api/v1/groups?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM computer_groups');
    expect(new Set(seen.map((g) => g.id)).size).toBe(count);
    expect(seen.find((g) => g.id === group.id)).toMatchObject({ memberCount: 1, totalMemberCount: 3, childCount: 1 });
    expect(seen.find((g) => g.id === child.id)).toMatchObject({ memberCount: 2, totalMemberCount: 2, childCount: 0 });
  });

  it('only admins change groups: approver and auditor get 403 on every write, and may read', async () => {
    const group = await createGroup(app, admin);
    for (const role of [Role.Approver, Role.Auditor]) {
      const { token } = await userWithRole(app, role, admin);
      expect((await app.http.get('/api/v1/groups', { token })).status).toBe(200);
      expect((await app.http.post('/api/v1/groups', { name: 'nope' }, { token })).status).toBe(403);
      expect((await app.http.patch(`/api/v1/groups/${group.id}`, { name: 'nope' }, { token })).status).toBe(403);
      expect((await app.http.delete(`/api/v1/groups/${group.id}`, { token })).status).toBe(403);
    }
    expect((await app.http.get(`/api/v1/groups/${group.id}`, { token: admin })).body.name).toBe(group.name);
  });
});

describe('server settings', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  afterAll(() => app.close());

  it('defaults to server-side targeting, a 30-minute check-in and a 14-day stale period', async () => {
    const res = await app.http.get('/api/v1/settings', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ targetingMode: 'server', checkInSeconds: 1800, staleAfterDays: 14 });
  });

  it('an admin changes them, keeping fields left out; bad values are 400; others may only read', async () => {
    const res = await app.http.put('/api/v1/settings', { targetingMode: 'client' }, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ targetingMode: 'client', checkInSeconds: 1800, updatedBy: 'admin' });
    expect((await app.http.put('/api/v1/settings', { checkInSeconds: 5 }, { token: admin })).status).toBe(400);
    expect((await app.http.put('/api/v1/settings', { targetingMode: 'both' }, { token: admin })).status).toBe(400);
    for (const role of [Role.Approver, Role.Auditor]) {
      const { token } = await userWithRole(app, role, admin);
      expect((await app.http.get('/api/v1/settings', { token })).body.targetingMode).toBe('client');
      expect((await app.http.put('/api/v1/settings', { targetingMode: 'server' }, { token })).status).toBe(403);
    }
    expect((await app.http.get('/api/v1/settings', { token: admin })).body.targetingMode).toBe('client');
  });
});
