import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '../../src/common/auth/role';
import { entryHash, GENESIS_HASH } from '../../src/modules/approval-log/approval-log-entry';
import { ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { approve, logRows } from '../factories/approvals.factory';
import { registerComputer } from '../factories/computers.factory';
import { createGroup, TestGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { userWithRole } from '../factories/users.factory';
import { startTestApp, TestApp } from '../support/test-app';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const UNKNOWN = '6f1f8a52-4b7e-4d3c-9a55-000000000000';

describe('approvals', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  afterAll(() => app.close());

  const effective = async (computerId: string, updateId: string) => {
    const res = await app.http.get(`/api/v1/computers/${computerId}/effective-approvals?updateId=${updateId}`, { token: admin });
    expect(res.status).toBe(200);
    const [item] = res.body.items;
    return item ? { decision: item.decision, from: item.sourceGroupId } : { decision: 'none', from: null };
  };

  describe('the effective decision: the nearest explicit decision from the computer\'s group up to the root', () => {
    let updateId: string;
    let root: string;
    let child: TestGroup;
    let grandchild: TestGroup;
    let other: TestGroup;
    let inChild: string;
    let inGrandchild: string;
    let inOther: string;
    let unassigned: string;

    beforeAll(async () => {
      updateId = await insertUpdate(app.db);
      root = ALL_COMPUTERS_GROUP_ID;
      child = await createGroup(app, admin, { name: 'Child' });
      grandchild = await createGroup(app, admin, { name: 'Grandchild', parentId: child.id });
      other = await createGroup(app, admin, { name: 'Other' });
      inChild = (await registerComputer(app, admin, { groupId: child.id })).computerId;
      inGrandchild = (await registerComputer(app, admin, { groupId: grandchild.id })).computerId;
      inOther = (await registerComputer(app, admin, { groupId: other.id })).computerId;
      unassigned = (await registerComputer(app, admin)).computerId;
    });

    type Step = { step: string; act: () => Promise<void>; expect: Record<string, [string, string | null]> };
    const steps: Step[] = [
      {
        step: 'nothing approved anywhere: not approved',
        act: async () => undefined,
        expect: { inChild: ['none', null], inGrandchild: ['none', null], inOther: ['none', null], unassigned: ['none', null] },
      },
      {
        step: 'install at All Computers: everybody inherits it',
        act: async () => void (await approve(app, admin, { updateId, groupId: root, decision: 'install' })),
        expect: { inChild: ['install', 'root'], inGrandchild: ['install', 'root'], inOther: ['install', 'root'], unassigned: ['install', 'root'] },
      },
      {
        step: 'decline at the child: the child and the grandchild below it are declined',
        act: async () => void (await approve(app, admin, { updateId, groupId: child.id, decision: 'decline', reason: 'breaks the child' })),
        expect: { inChild: ['decline', 'child'], inGrandchild: ['decline', 'child'], inOther: ['install', 'root'], unassigned: ['install', 'root'] },
      },
      {
        step: 'uninstall at the grandchild: nearest wins',
        act: async () => void (await approve(app, admin, { updateId, groupId: grandchild.id, decision: 'uninstall' })),
        expect: { inChild: ['decline', 'child'], inGrandchild: ['uninstall', 'grandchild'], inOther: ['install', 'root'], unassigned: ['install', 'root'] },
      },
      {
        step: 'none at the grandchild: it inherits the child\'s decline again',
        act: async () => void (await approve(app, admin, { updateId, groupId: grandchild.id, decision: 'none' })),
        expect: { inChild: ['decline', 'child'], inGrandchild: ['decline', 'child'], inOther: ['install', 'root'], unassigned: ['install', 'root'] },
      },
      {
        step: 'move the grandchild\'s computer to Other: it follows Other\'s path',
        act: async () => {
          expect((await app.http.put(`/api/v1/computers/${inGrandchild}/group`, { groupId: other.id }, { token: admin })).status).toBe(200);
        },
        expect: { inChild: ['decline', 'child'], inGrandchild: ['install', 'root'], inOther: ['install', 'root'], unassigned: ['install', 'root'] },
      },
      {
        step: 'move group Other under the child: its computers now inherit the child\'s decline',
        act: async () => {
          expect((await app.http.patch(`/api/v1/groups/${other.id}`, { parentId: child.id }, { token: admin })).status).toBe(200);
        },
        expect: { inChild: ['decline', 'child'], inGrandchild: ['decline', 'child'], inOther: ['decline', 'child'], unassigned: ['install', 'root'] },
      },
      {
        step: 'install at Other (now below the child): overrides the child\'s decline for Other only',
        act: async () => void (await approve(app, admin, { updateId, groupId: other.id, decision: 'install' })),
        expect: { inChild: ['decline', 'child'], inGrandchild: ['install', 'other'], inOther: ['install', 'other'], unassigned: ['install', 'root'] },
      },
      {
        step: 'none at the root: only the explicit decisions below remain',
        act: async () => void (await approve(app, admin, { updateId, groupId: root, decision: 'none' })),
        expect: { inChild: ['decline', 'child'], inGrandchild: ['install', 'other'], inOther: ['install', 'other'], unassigned: ['none', null] },
      },
    ];

    it.each(steps.map((s, i) => [i + 1, s.step, s] as const))('%i. %s', async (_n, _name, s) => {
      await s.act();
      const computers: Record<string, string> = { inChild, inGrandchild, inOther, unassigned };
      const groups: Record<string, string> = { root, child: child.id, grandchild: grandchild.id, other: other.id };
      for (const [computer, [decision, from]] of Object.entries(s.expect)) {
        expect({ computer, ...(await effective(computers[computer], updateId)) }).toEqual({ computer, decision, from: from ? groups[from] : null });
      }
    });

    it('lists every inherited decision of a computer, with its source group and path, paged', async () => {
      const second = await insertUpdate(app.db);
      await approve(app, admin, { updateId: second, groupId: root, decision: 'install' });
      const res = await app.http.get(`/api/v1/computers/${inOther}/effective-approvals?limit=1`, { token: admin });
      expect(res.body.groupPath.map((g: { name: string }) => g.name)).toEqual(['All Computers', 'Child', 'Other']);
      const next = await app.http.get(`/api/v1/computers/${inOther}/effective-approvals?limit=1&cursor=${res.body.nextCursor}`, { token: admin });
      const all = [...res.body.items, ...next.body.items];
      expect(next.body.nextCursor).toBeNull();
      const byUpdate = new Map(all.map((i: { updateId: string }) => [i.updateId, i]));
      expect(byUpdate.get(updateId)).toMatchObject({ decision: 'install', sourceGroupName: 'Other', inherited: false });
      expect(byUpdate.get(second)).toMatchObject({ decision: 'install', sourceGroupName: 'All Computers', inherited: true });
    });
  });

  describe('rules of a change', () => {
    let group: TestGroup;
    beforeAll(async () => {
      group = await createGroup(app, admin);
    });

    const put = (body: Record<string, unknown>) => app.http.put('/api/v1/approvals', body, { token: admin });

    it('accepts a future deadline and an optional install, and answers the approval with its log entry', async () => {
      const updateId = await insertUpdate(app.db);
      const deadline = inDays(7);
      const res = await put({ updateId, groupId: group.id, decision: 'install', deadline, optional: true, reason: 'patch Tuesday' });
      expect(res.status).toBe(200);
      expect(res.body.approval).toMatchObject({ updateId, groupId: group.id, groupName: group.name, decision: 'install', deadline, optional: true, status: 'active', source: 'manual', updatedBy: 'admin', revision: 1 });
      expect(res.body.logEntry).toMatchObject({
        updateId, groupId: group.id, previousDecision: 'none', newDecision: 'install', deadline, optional: true, reason: 'patch Tuesday',
        source: 'manual', actorType: 'user', actorName: 'admin', actorRole: 'admin', revision: 1,
      });
      const [row] = await app.db.query('SELECT * FROM approval_log WHERE seq = $1', [res.body.logEntry.seq]);
      expect(row.hash).toBe(res.body.logEntry.hash);
    });

    it.each([
      ['a deadline in the past', { decision: 'install', deadline: '2020-01-01T00:00:00Z' }, 'deadline_in_past'],
      ['a deadline on a decline', { decision: 'decline', reason: 'r', deadline: inDays(1) }, 'deadline_not_allowed'],
      ['optional on an uninstall', { decision: 'uninstall', optional: true }, 'optional_not_allowed'],
      ['a decline without a reason', { decision: 'decline' }, 'reason_required'],
      ['a decline with a blank reason', { decision: 'decline', reason: '   ' }, 'reason_required'],
      ['a deadline without an offset', { decision: 'install', deadline: '2099-01-01T00:00:00' }, 'validation_failed'],
      ['an unknown decision', { decision: 'approve' }, 'validation_failed'],
    ])('refuses %s with 400 and writes nothing', async (_name, body, code) => {
      const updateId = await insertUpdate(app.db);
      const [{ count: before }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      const res = await put({ updateId, groupId: group.id, ...body });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe(`urn:patchgate:problem:${code}`);
      const [{ count: after }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      expect(after).toBe(before);
      expect(await app.db.query('SELECT 1 FROM approvals WHERE update_id = $1', [updateId])).toEqual([]);
    });

    it('refuses a deadline for an update whose install needs user input (400), but approves it without one', async () => {
      const updateId = await insertUpdate(app.db, { installBehavior: { reboot: 'always', userInput: true } });
      const res = await put({ updateId, groupId: group.id, decision: 'install', deadline: inDays(3) });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:patchgate:problem:deadline_needs_unattended_install');
      expect((await put({ updateId, groupId: group.id, decision: 'install' })).status).toBe(200);
    });

    it('404s an unknown update or group', async () => {
      const updateId = await insertUpdate(app.db);
      expect((await put({ updateId: UNKNOWN, groupId: group.id, decision: 'install' })).status).toBe(404);
      expect((await put({ updateId, groupId: UNKNOWN, decision: 'install' })).status).toBe(404);
    });

    it('409s an install of an expired or globally declined update; other decisions stay possible', async () => {
      const expired = await insertUpdate(app.db, { state: 'expired' });
      const declined = await insertUpdate(app.db, { declinedReason: 'bad' });
      for (const updateId of [expired, declined]) {
        const res = await put({ updateId, groupId: group.id, decision: 'install' });
        expect(res.status).toBe(409);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      expect((await put({ updateId: expired, groupId: group.id, decision: 'uninstall' })).status).toBe(200);
      expect((await put({ updateId: declined, groupId: group.id, decision: 'decline', reason: 'also here' })).status).toBe(200);
    });

    it('setting the same decision again answers 200 with no log entry and leaves the log as it was', async () => {
      const updateId = await insertUpdate(app.db);
      const deadline = inDays(5);
      const first = await approve(app, admin, { updateId, groupId: group.id, decision: 'install', deadline });
      expect(first.logEntry).not.toBeNull();
      const [{ count: before }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      const again = await put({ updateId, groupId: group.id, decision: 'install', deadline });
      expect(again.status).toBe(200);
      expect(again.body.logEntry).toBeNull();
      expect(again.body.approval).toMatchObject({ decision: 'install', deadline });
      const [{ count: after }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      expect(after).toBe(before);
      // a different deadline is a change
      expect((await approve(app, admin, { updateId, groupId: group.id, decision: 'install', deadline: inDays(6) })).logEntry).not.toBeNull();
    });

    it('none removes the approval (logged), and none again is a no-op', async () => {
      const updateId = await insertUpdate(app.db);
      await approve(app, admin, { updateId, groupId: group.id, decision: 'decline', reason: 'not for us' });
      const removed = await put({ updateId, groupId: group.id, decision: 'none', reason: 'reconsidered' });
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ approval: null, logEntry: { previousDecision: 'decline', newDecision: 'none', reason: 'reconsidered', status: null } });
      expect(await app.db.query('SELECT 1 FROM approvals WHERE update_id = $1', [updateId])).toEqual([]);
      const again = await put({ updateId, groupId: group.id, decision: 'none' });
      expect(again.body).toEqual({ approval: null, logEntry: null });
    });

    it('every change of a group\'s approvals grows that group\'s version, and only that group\'s', async () => {
      const other = await createGroup(app, admin);
      const updateId = await insertUpdate(app.db);
      const versions = async () =>
        new Map<string, number>((await app.db.query('SELECT id, approval_version::int AS v FROM computer_groups WHERE id = ANY($1::uuid[])', [[group.id, other.id]])).map((r: { id: string; v: number }) => [r.id, r.v]));
      const before = await versions();
      await approve(app, admin, { updateId, groupId: group.id, decision: 'install' });
      const after = await versions();
      expect(after.get(group.id)).toBe(before.get(group.id)! + 1);
      expect(after.get(other.id)).toBe(before.get(other.id));
      await approve(app, admin, { updateId, groupId: group.id, decision: 'install' }); // no-op
      expect((await versions()).get(group.id)).toBe(after.get(group.id));
    });
  });

  describe('bulk', () => {
    it('applies every item with one log entry each, in order', async () => {
      const group = await createGroup(app, admin);
      const [a, b] = [await insertUpdate(app.db), await insertUpdate(app.db)];
      const res = await app.http.post('/api/v1/approvals/bulk', {
        items: [
          { updateId: a, groupId: group.id, decision: 'install' },
          { updateId: b, groupId: group.id, decision: 'decline', reason: 'not needed' },
          { updateId: a, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'install', deadline: inDays(2) },
        ],
      }, { token: admin });
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: { approval: { decision: string } }) => i.approval.decision)).toEqual(['install', 'decline', 'install']);
      const seqs = res.body.items.map((i: { logEntry: { seq: number } }) => i.logEntry.seq);
      expect(seqs).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2]);
    });

    it('a malformed item is a 400 naming its field under items.<index>', async () => {
      const res = await app.http.post('/api/v1/approvals/bulk', {
        items: [{ updateId: UNKNOWN, groupId: UNKNOWN, decision: 'install' }, { updateId: UNKNOWN, groupId: UNKNOWN, decision: 'maybe' }],
      }, { token: admin });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'items.1.decision' })]);
    });

    it.each([
      ['an invalid item (400)', (good: string) => ({ updateId: good, decision: 'decline' }), 400],
      ['an unknown update (404)', () => ({ updateId: UNKNOWN, decision: 'install' }), 404],
      ['an unknown group (404)', (good: string) => ({ updateId: good, decision: 'install', groupId: UNKNOWN }), 404],
      ['an expired update (409)', (_good: string, expired: string) => ({ updateId: expired, decision: 'install' }), 409],
    ])('one bad item, %s, changes nothing and is named by its index', async (_name, badItem, status) => {
      const group = await createGroup(app, admin);
      const good = await insertUpdate(app.db);
      const expired = await insertUpdate(app.db, { state: 'expired' });
      const [{ count: logBefore }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      const [{ v: versionBefore }] = await app.db.query('SELECT approval_version::int AS v FROM computer_groups WHERE id = $1', [group.id]);
      const items = [
        { updateId: good, groupId: group.id, decision: 'install' },
        { updateId: good, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'uninstall' },
        { groupId: group.id, ...badItem(good, expired) },
      ];
      const res = await app.http.post('/api/v1/approvals/bulk', { items }, { token: admin });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ itemIndex: 2, detail: expect.stringMatching(/^items\[2\]: /) });
      expect(await app.db.query('SELECT 1 FROM approvals WHERE update_id = ANY($1::uuid[])', [[good, expired]])).toEqual([]);
      const [{ count: logAfter }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      expect(logAfter).toBe(logBefore);
      const [{ v: versionAfter }] = await app.db.query('SELECT approval_version::int AS v FROM computer_groups WHERE id = $1', [group.id]);
      expect(versionAfter).toBe(versionBefore);
    });

    it('refuses the same (update, group) twice in one request', async () => {
      const updateId = await insertUpdate(app.db);
      const res = await app.http.post('/api/v1/approvals/bulk', {
        items: [
          { updateId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'install' },
          { updateId: updateId.toUpperCase(), groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'none' },
        ],
      }, { token: admin });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ itemIndex: 1 });
    });
  });

  describe('listing', () => {
    it('lists current decisions by update or group, paged, to every role', async () => {
      const group = await createGroup(app, admin);
      const ids = [await insertUpdate(app.db), await insertUpdate(app.db), await insertUpdate(app.db)];
      for (const updateId of ids) await approve(app, admin, { updateId, groupId: group.id, decision: 'install' });
      await approve(app, admin, { updateId: ids[0], groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'decline', reason: 'no' });
      const { token: auditor } = await userWithRole(app, Role.Auditor, admin);
      const first = await app.http.get(`/api/v1/approvals?groupId=${group.id}&limit=2`, { token: auditor });
      expect(first.status).toBe(200);
      const second = await app.http.get(`/api/v1/approvals?groupId=${group.id}&limit=2&cursor=${first.body.nextCursor}`, { token: auditor });
      expect([...first.body.items, ...second.body.items].map((a: { updateId: string }) => a.updateId).sort()).toEqual([...ids].sort());
      const byUpdate = await app.http.get(`/api/v1/approvals?updateId=${ids[0]}`, { token: auditor });
      expect(byUpdate.body.items.map((a: { groupName: string; decision: string }) => [a.groupName, a.decision]).sort()).toEqual(
        [[group.name, 'install'], ['Unassigned Computers', 'decline']].sort(),
      );
    });

    it('the catalog\'s approved filter follows install approvals', async () => {
      const approved = await insertUpdate(app.db, { title: 'approved-filter-yes' });
      const declinedOnly = await insertUpdate(app.db, { title: 'approved-filter-no' });
      await approve(app, admin, { updateId: approved, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'install' });
      await approve(app, admin, { updateId: declinedOnly, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'decline', reason: 'no' });
      const ids = async (approvedParam: string) =>
        (await app.http.get(`/api/v1/updates?q=approved-filter&approved=${approvedParam}`, { token: admin })).body.items.map((u: { updateId: string }) => u.updateId);
      expect(await ids('true')).toEqual([approved]);
      expect(await ids('false')).toEqual([declinedOnly]);
    });
  });

  describe('what the offer does with an approval, in every view', () => {
    it('GET /approvals and a computer\'s effective approvals say offered, declined globally, expired, suspended for review or waiting for content', async () => {
      const group = await createGroup(app, admin);
      const pc = await registerComputer(app, admin, { groupId: group.id });
      const [plain, declinedLater, expiredLater, suspended, refused] = [
        await insertUpdate(app.db), await insertUpdate(app.db), await insertUpdate(app.db), await insertUpdate(app.db), await insertUpdate(app.db),
      ];
      for (const updateId of [plain, declinedLater, expiredLater, suspended]) await approve(app, admin, { updateId, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' });
      await approve(app, admin, { updateId: refused, groupId: group.id, decision: 'decline', reason: 'not for this group' });
      expect((await app.http.post(`/api/v1/updates/${declinedLater}/decline`, { reason: 'recalled' }, { token: admin })).status).toBe(200);
      await app.db.query(`UPDATE updates SET state = 'expired' WHERE update_id = $1`, [expiredLater]);
      await app.db.query(`UPDATE approvals SET status = 'needs_review' WHERE update_id = $1`, [suspended]);

      const expected = {
        [plain]: [true, 'offered'],
        [declinedLater]: [false, 'declined_globally'],
        [expiredLater]: [false, 'expired'],
        [suspended]: [false, 'needs_review'],
        [refused]: [false, 'declined'],
      };
      const listed: Record<string, [boolean, string]> = {};
      for (const updateId of Object.keys(expected)) {
        const res = await app.http.get(`/api/v1/approvals?updateId=${updateId}`, { token: admin });
        for (const a of res.body.items) if (a.groupId === ALL_COMPUTERS_GROUP_ID || a.groupId === group.id) listed[a.updateId] = [a.offered, a.offerState];
      }
      expect(listed).toEqual(expected);
      const effective = await app.http.get(`/api/v1/computers/${pc.computerId}/effective-approvals?limit=500`, { token: admin });
      const mine = Object.fromEntries(
        effective.body.items.filter((i: { updateId: string }) => i.updateId in expected).map((i: { updateId: string; offered: boolean; offerState: string }) => [i.updateId, [i.offered, i.offerState]]),
      );
      expect(mine).toEqual(expected);
      // What the check-in offers agrees.
      const offer = await app.http.post('/client/v1/checkin', {}, { token: pc.token });
      expect(offer.body.updates.map((u: { updateId: string }) => u.updateId).filter((id: string) => id in expected)).toEqual([plain]);

      // In a storing content mode, an install waits for its files (no worker here: they stay pending).
      expect((await app.http.put('/api/v1/content/config', { mode: 'on_approval' }, { token: admin })).status).toBe(200);
      try {
        const waiting = await insertUpdate(app.db);
        const set = await approve(app, admin, { updateId: waiting, groupId: group.id, decision: 'install' });
        expect(set.approval).toMatchObject({ content: 'pending', offered: false, offerState: 'content_pending' });
        const [item] = (await app.http.get(`/api/v1/computers/${pc.computerId}/effective-approvals?updateId=${waiting}`, { token: admin })).body.items;
        expect(item).toMatchObject({ offered: false, offerState: 'content_pending' });
      } finally {
        expect((await app.http.put('/api/v1/content/config', { mode: 'none' }, { token: admin })).status).toBe(200);
      }
    });
  });

  describe('who may change approvals', () => {
    it('admin and approver may; an auditor gets 403 on every write and nothing is written', async () => {
      const updateId = await insertUpdate(app.db);
      const { token: approver } = await userWithRole(app, Role.Approver, admin);
      const { token: auditor } = await userWithRole(app, Role.Auditor, admin);
      const byApprover = await approve(app, approver, { updateId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'install' });
      expect(byApprover.logEntry).toMatchObject({ actorRole: 'approver', actorType: 'user' });
      const body = { updateId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'none' };
      expect((await app.http.put('/api/v1/approvals', body, { token: auditor })).status).toBe(403);
      expect((await app.http.post('/api/v1/approvals/bulk', { items: [body] }, { token: auditor })).status).toBe(403);
      expect((await app.http.post(`/api/v1/updates/${updateId}/decline`, { reason: 'nope nope' }, { token: auditor })).status).toBe(403);
      expect(await app.db.query('SELECT decision FROM approvals WHERE update_id = $1', [updateId])).toEqual([{ decision: 'install' }]);
    });

    it('an API token\'s changes are logged with the token as actor', async () => {
      const created = await app.http.post('/api/v1/api-tokens', { name: 'ci-approvals', role: 'approver' }, { token: admin });
      const updateId = await insertUpdate(app.db);
      const change = await approve(app, created.body.token, { updateId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'install' });
      expect(change.logEntry).toMatchObject({ actorType: 'api-token', actorId: created.body.id, actorName: 'ci-approvals', actorRole: 'approver' });
    });
  });

  describe('the global decline', () => {
    it('writes an approval-log entry for all groups (groupId null), with its reason', async () => {
      const updateId = await insertUpdate(app.db);
      const res = await app.http.post(`/api/v1/updates/${updateId}/decline`, { reason: 'recalled by the vendor' }, { token: admin });
      expect(res.status).toBe(200);
      const last = (await logRows(app)).at(-1)!;
      expect(last).toMatchObject({ update_id: updateId, group_id: null, previous_decision: 'none', new_decision: 'decline', reason: 'recalled by the vendor', source: 'manual', actor_name: 'admin' });
      // declining again is refused and logs nothing
      const [{ count }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      expect((await app.http.post(`/api/v1/updates/${updateId}/decline`, { reason: 'again again' }, { token: admin })).status).toBe(409);
      const [{ count: after }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      expect(after).toBe(count);
    });

    it('DELETE takes it back (reason required, logged): the group approvals apply again and the computer is offered the update', async () => {
      const group = await createGroup(app, admin);
      const pc = await registerComputer(app, admin, { groupId: group.id });
      const updateId = await insertUpdate(app.db);
      await approve(app, admin, { updateId, groupId: group.id, decision: 'install' });
      const offered = async () => {
        const res = await app.http.post('/client/v1/checkin', {}, { token: pc.token });
        expect(res.status).toBe(200);
        // Other tests' approvals for All Computers reach this computer too: only this update matters here.
        return res.body.updates.map((u: { updateId: string }) => u.updateId).filter((id: string) => id === updateId);
      };
      expect(await offered()).toEqual([updateId]);
      expect((await app.http.post(`/api/v1/updates/${updateId}/decline`, { reason: 'declined by mistake' }, { token: admin })).status).toBe(200);
      expect(await offered()).toEqual([]);

      const { token: auditor } = await userWithRole(app, Role.Auditor, admin);
      expect((await app.http.delete(`/api/v1/updates/${updateId}/decline`, { token: auditor, body: { reason: 'not mine to undo' } })).status).toBe(403);
      for (const body of [undefined, {}, { reason: 'no' }, { reason: 'ok then', extra: true }]) {
        const bad = await app.http.delete(`/api/v1/updates/${updateId}/decline`, { token: admin, body });
        expect(bad.status).toBe(400);
        expect(bad.headers.get('content-type')).toContain('application/problem+json');
      }
      expect((await app.http.delete(`/api/v1/updates/${UNKNOWN}/decline`, { token: admin, body: { reason: 'no such update' } })).status).toBe(404);

      const { token: approver, username } = await userWithRole(app, Role.Approver, admin);
      const res = await app.http.delete(`/api/v1/updates/${updateId}/decline`, { token: approver, body: { reason: 'the vendor re-released it' } });
      expect(res.status).toBe(200);
      expect(res.body.declined).toBeNull();
      expect((await logRows(app)).at(-1)).toMatchObject({
        update_id: updateId, group_id: null, previous_decision: 'decline', new_decision: 'none', reason: 'the vendor re-released it', source: 'manual', actor_name: username,
      });
      expect(await offered()).toEqual([updateId]);
      expect((await app.http.get(`/api/v1/approvals?updateId=${updateId}`, { token: admin })).body.items).toMatchObject([{ groupId: group.id, decision: 'install' }]);

      const again = await app.http.delete(`/api/v1/updates/${updateId}/decline`, { token: admin, body: { reason: 'twice over' } });
      expect(again.status).toBe(409);
      expect(again.body.type).toBe('urn:patchgate:problem:not_declined');
      expect((await app.http.get('/api/v1/audit/verify', { token: admin })).body.ok).toBe(true);
    });
  });
});

describe('the approval log', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  afterAll(() => app.close());

  const verify = async () => {
    const res = await app.http.get('/api/v1/audit/verify', { token: admin });
    expect(res.status).toBe(200);
    return res.body as { ok: boolean; checked: number; firstBrokenSeq: number | null };
  };
  const count = async (): Promise<number> => (await app.db.query('SELECT count(*)::int AS count FROM approval_log'))[0].count;

  it('an empty log verifies', async () => {
    expect(await verify()).toEqual({ ok: true, checked: 0, firstBrokenSeq: null, truncated: false, reason: null });
  });

  it('50 concurrent changes of one (update, group) make 50 gapless, chained entries, and the chain verifies', async () => {
    const group = await createGroup(app, admin);
    const updateId = await insertUpdate(app.db);
    const before = await count();
    // Each request sets a different deadline, so each is a real change whatever order they run in.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.http.put('/api/v1/approvals', { updateId, groupId: group.id, decision: 'install', deadline: new Date(Date.now() + 86_400_000 + i * 60_000).toISOString() }, { token: admin }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(answers.every((a) => a.body.logEntry !== null)).toBe(true);
    const rows = (await logRows(app)).slice(before);
    expect(rows).toHaveLength(50);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 50 }, (_, i) => before + i + 1));
    // each entry's previous decision is what the entry before it left
    expect(rows[0].previous_decision).toBe('none');
    expect(rows.slice(1).every((r) => r.previous_decision === 'install')).toBe(true);
    // the approval holds the deadline of the last entry
    const [approval] = await app.db.query('SELECT deadline FROM approvals WHERE update_id = $1', [updateId]);
    expect(approval.deadline.toISOString()).toBe((rows[49].deadline as Date).toISOString());
    expect(await verify()).toEqual({ ok: true, checked: before + 50, firstBrokenSeq: null, truncated: false, reason: null });
  });

  it('hashes are sha256(prevHash ‖ canonical entry), starting from 64 zeros', async () => {
    const rows = await logRows(app);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    const recomputed = entryHash(rows[0].prev_hash as string, {
      seq: Number(rows[0].seq), at: rows[0].at as Date, actorType: rows[0].actor_type as 'user', actorId: rows[0].actor_id as string,
      actorName: rows[0].actor_name as string, actorRole: rows[0].actor_role as string, updateId: rows[0].update_id as string,
      revision: rows[0].revision as number, groupId: rows[0].group_id as string, previousDecision: rows[0].previous_decision as 'none',
      newDecision: rows[0].new_decision as 'install', status: rows[0].status as 'active', deadline: rows[0].deadline as Date,
      optional: rows[0].optional as boolean, reason: rows[0].reason as null, source: rows[0].source as 'manual', ruleId: rows[0].rule_id as null,
    });
    expect(recomputed).toBe(rows[0].hash);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
  });

  it('the application\'s own connection cannot UPDATE, DELETE or TRUNCATE it: the trigger refuses', async () => {
    const appDb = app.app.get(DataSource);
    await expect(appDb.query(`UPDATE approval_log SET reason = 'rewritten' WHERE seq = 1`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(appDb.query('DELETE FROM approval_log WHERE seq = 1')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(appDb.query('TRUNCATE approval_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await verify()).ok).toBe(true);
  });

  it('but the trigger does not bind the table\'s owner, which the application is in local mode (as docs/security.md says)', async () => {
    const appDb = app.app.get(DataSource);
    const [{ owner, me }] = await appDb.query(`SELECT tableowner AS owner, current_user AS me FROM pg_tables WHERE tablename = 'approval_log'`);
    expect(owner).toBe(me);
    // Rolled back: the owner can switch the trigger off and rewrite a row; only the chain (verify) would tell.
    const rewritten = await appDb
      .transaction(async (manager) => {
        await manager.query('ALTER TABLE approval_log DISABLE TRIGGER approval_log_append_only');
        await manager.query(`UPDATE approval_log SET reason = 'rewritten' WHERE seq = 1`);
        const [row] = await manager.query('SELECT reason FROM approval_log WHERE seq = 1');
        throw Object.assign(new Error('roll back'), { reason: row.reason });
      })
      .catch((error: { reason?: string }) => error.reason);
    expect(rewritten).toBe('rewritten');
    expect((await verify()).ok).toBe(true);
  });

  it('the audit list filters by update, group, actor and time, and pages by seq', async () => {
    const group = await createGroup(app, admin);
    const [a, b] = [await insertUpdate(app.db), await insertUpdate(app.db)];
    const { token: approver, username } = await userWithRole(app, Role.Approver, admin);
    const start = new Date();
    await approve(app, admin, { updateId: a, groupId: group.id, decision: 'install' });
    await approve(app, approver, { updateId: b, groupId: group.id, decision: 'decline', reason: 'no' });
    await approve(app, approver, { updateId: a, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'install' });
    const list = async (query: string) => {
      const res = await app.http.get(`/api/v1/audit/approvals?${query}`, { token: admin });
      expect(res.status).toBe(200);
      return res.body;
    };
    expect((await list(`updateId=${a}`)).items.map((e: { groupName: string }) => e.groupName)).toEqual([group.name, 'Unassigned Computers']);
    expect((await list(`groupId=${group.id}`)).items.map((e: { updateId: string }) => e.updateId)).toEqual([a, b]);
    expect((await list(`actor=${username.toUpperCase()}`)).items).toHaveLength(2);
    expect((await list(`from=${start.toISOString()}&groupId=${group.id}`)).items).toHaveLength(2);
    expect((await list(`to=${start.toISOString()}&groupId=${group.id}`)).items).toHaveLength(0);
    const page1 = await list(`groupId=${group.id}&limit=1`);
    const page2 = await list(`groupId=${group.id}&limit=1&cursor=${page1.nextCursor}`);
    expect([page1.items[0].updateId, page2.items[0].updateId]).toEqual([a, b]);
    expect(page2.items[0].seq).toBeGreaterThan(page1.items[0].seq);
    const newest = await list(`groupId=${group.id}&order=desc&limit=1`);
    expect(newest.items[0].updateId).toBe(b);
    expect(newest.items[0]).toMatchObject({ actorName: username, actorRole: 'approver', reason: 'no', updateTitle: expect.any(String) });
  });

  it('admins and auditors read the log and verify it; approvers may not', async () => {
    const { token: auditor } = await userWithRole(app, Role.Auditor, admin);
    const { token: approver } = await userWithRole(app, Role.Approver, admin);
    expect((await app.http.get('/api/v1/audit/approvals', { token: auditor })).status).toBe(200);
    expect((await app.http.get('/api/v1/audit/verify', { token: auditor })).status).toBe(200);
    expect((await app.http.get('/api/v1/audit/approvals', { token: approver })).status).toBe(403);
    expect((await app.http.get('/api/v1/audit/verify', { token: approver })).status).toBe(403);
  });

  it('a row changed behind the trigger\'s back (by the database superuser) is named by verify', async () => {
    const total = await count();
    const target = Math.max(2, Math.floor(total / 2));
    const superuser = app.db; // the test connection is the cluster's superuser
    await superuser.transaction(async (manager) => {
      await manager.query(`SET LOCAL session_replication_role = replica`);
      await manager.query(`UPDATE approval_log SET reason = 'nothing to see here' WHERE seq = $1`, [target]);
    });
    const [row] = await superuser.query('SELECT reason FROM approval_log WHERE seq = $1', [target]);
    expect(row.reason).toBe('nothing to see here');
    expect(await verify()).toEqual({ ok: false, checked: target, firstBrokenSeq: target, truncated: false, reason: `entry ${target} is missing, altered or out of chain` });
  });

  it('a deleted row breaks the chain at the entry after it', async () => {
    // The previous test broke seq target; the first break is still reported, so check on a fresh database.
    const fresh = await startTestApp();
    try {
      const token = await fresh.login();
      const updateId = await insertUpdate(fresh.db);
      for (const decision of ['install', 'uninstall', 'install', 'uninstall'] as const) {
        await approve(fresh, token, { updateId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision });
      }
      await fresh.db.query('ALTER TABLE approval_log DISABLE TRIGGER ALL');
      await fresh.db.query('DELETE FROM approval_log WHERE seq = 2');
      await fresh.db.query('ALTER TABLE approval_log ENABLE TRIGGER ALL');
      const res = await fresh.http.get('/api/v1/audit/verify', { token });
      expect(res.body).toEqual({ ok: false, checked: 2, firstBrokenSeq: 3, truncated: false, reason: 'entry 3 is missing, altered or out of chain' });
      await expect(fresh.app.get(DataSource).query('DELETE FROM approval_log WHERE seq = 3')).rejects.toThrow(/append-only/);
    } finally {
      await fresh.close();
    }
  });

  it('the newest entries deleted behind the trigger\'s back are reported against the last signed checkpoint (truncated)', async () => {
    const fresh = await startTestApp();
    try {
      const token = await fresh.login();
      const updateId = await insertUpdate(fresh.db);
      for (const decision of ['install', 'uninstall', 'install', 'uninstall'] as const) {
        await approve(fresh, token, { updateId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision });
      }
      // A sound verification signs a checkpoint of the head (seq 4).
      expect((await fresh.http.get('/api/v1/audit/verify', { token })).body).toEqual({ ok: true, checked: 4, firstBrokenSeq: null, truncated: false, reason: null });
      const checkpoints = (await fresh.http.get('/api/v1/audit/approvals/checkpoints', { token })).body as { seq: number; hash: string; time: string; keyId: string; signature: string; reason: string }[];
      expect(checkpoints.map((c) => [c.seq, c.reason])).toEqual([[4, 'verify']]);
      const [head] = await fresh.db.query('SELECT hash FROM approval_log WHERE seq = 4');
      expect(checkpoints[0].hash).toBe(head.hash);
      // The signature verifies with the server's published key over the documented payload.
      const keys = (await fresh.http.get('/client/v1/keys')).body as { keys: { id: string; publicKey: string }[] };
      const key = keys.keys.find((k) => k.id === checkpoints[0].keyId)!;
      const payload = JSON.stringify({ log: 'patchgate-approval-log', seq: 4, hash: head.hash, time: checkpoints[0].time });
      expect(cryptoVerify(null, Buffer.from(payload), createPublicKey(key.publicKey), Buffer.from(checkpoints[0].signature, 'base64'))).toBe(true);

      // The superuser cuts the chain short: what is left still chains perfectly.
      await fresh.db.query('ALTER TABLE approval_log DISABLE TRIGGER ALL');
      await fresh.db.query('DELETE FROM approval_log WHERE seq >= 3');
      await fresh.db.query('ALTER TABLE approval_log ENABLE TRIGGER ALL');
      const res = await fresh.http.get('/api/v1/audit/verify', { token });
      expect(res.body).toEqual({
        ok: false,
        checked: 2,
        firstBrokenSeq: 3,
        truncated: true,
        reason: `the chain ends at seq 2, before the last checkpoint (seq 4, ${checkpoints[0].time}): entries were removed`,
      });
      // A failed verification signs nothing.
      expect((await fresh.http.get('/api/v1/audit/approvals/checkpoints', { token })).body).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });
});
