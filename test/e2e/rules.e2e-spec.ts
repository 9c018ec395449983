import { Queue, QueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { Role } from '../../src/common/auth/role';
import { JobName, QueueName } from '../../src/infra/queue/queue-names';
import { ApprovalsCatalogListener } from '../../src/modules/approvals/approvals-catalog.listener';
import { DAILY_RULES_PATTERN, DAILY_RULES_SCHEDULER_ID } from '../../src/modules/approvals/rules/approval-rules.scheduler';
import { UNASSIGNED_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { approve, logRows } from '../factories/approvals.factory';
import { feedItem, syncFeedItems } from '../factories/catalog.factory';
import { registerComputer } from '../factories/computers.factory';
import { createGroup, TestGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { userWithRole } from '../factories/users.factory';
import { startTestApp, TestApp } from '../support/test-app';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** Polls `read` until `done` holds (the rules job runs in the worker after the sync's answer). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached in time; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('automatic approval rules', () => {
  let app: TestApp;
  let admin: string;
  let queue: Queue;
  let queueEvents: QueueEvents;

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    const connection = { url: app.config.redisUrl, maxRetriesPerRequest: null };
    queue = new Queue(QueueName.Rules, { connection, prefix: `${app.config.redisPrefix}:bull` });
    queueEvents = new QueueEvents(QueueName.Rules, { connection, prefix: `${app.config.redisPrefix}:bull` });
    await queueEvents.waitUntilReady();
  });
  afterAll(async () => {
    await queueEvents.close();
    await queue.close();
    await app.close();
  });

  const createRule = async (body: Record<string, unknown>) => {
    const res = await app.http.post('/api/v1/approval-rules', { name: `rule-${Math.random().toString(36).slice(2, 8)}`, ...body }, { token: admin });
    if (res.status !== 201) throw new Error(`creating a rule failed: ${res.status} ${res.text}`);
    return res.body as { id: string; name: string };
  };
  const approvalsOf = (updateIds: string[]): Promise<{ update_id: string; group_id: string; decision: string; source: string; rule_id: string | null; deadline: Date | null }[]> =>
    app.db.query('SELECT update_id, group_id, decision, source, rule_id, deadline FROM approvals WHERE update_id = ANY($1::uuid[]) ORDER BY update_id, group_id', [updateIds]);
  const disable = async (id: string) => expect((await app.http.patch(`/api/v1/approval-rules/${id}`, { enabled: false }, { token: admin })).status).toBe(200);

  describe('managing rules', () => {
    it('creates, reads, changes and deletes a rule', async () => {
      const group = await createGroup(app, admin);
      const created = await app.http.post('/api/v1/approval-rules', {
        name: 'Critical security', classifications: ['security', 'critical'], products: ['Windows'], minSeverity: 'important', groupIds: [group.id], deadlineDays: 7,
      }, { token: admin });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ enabled: true, delayDays: null, deadlineDays: 7, groupIds: [group.id], updatedBy: 'admin' });
      const patched = await app.http.patch(`/api/v1/approval-rules/${created.body.id}`, { enabled: false, minSeverity: null, delayDays: 3 }, { token: admin });
      expect(patched.body).toMatchObject({ enabled: false, minSeverity: null, delayDays: 3, deadlineDays: 7, name: 'Critical security' });
      expect((await app.http.get('/api/v1/approval-rules', { token: admin })).body.items.map((r: { id: string }) => r.id)).toContain(created.body.id);
      expect((await app.http.delete(`/api/v1/approval-rules/${created.body.id}`, { token: admin })).status).toBe(204);
      expect((await app.http.get(`/api/v1/approval-rules/${created.body.id}`, { token: admin })).status).toBe(404);
    });

    it('refuses unknown groups (404), a taken name (409) and bad fields (400)', async () => {
      const rule = await createRule({ groupIds: [UNASSIGNED_COMPUTERS_GROUP_ID], enabled: false });
      expect((await app.http.post('/api/v1/approval-rules', { name: 'x1', groupIds: ['6f1f8a52-4b7e-4d3c-9a55-000000000000'] }, { token: admin })).status).toBe(404);
      expect((await app.http.post('/api/v1/approval-rules', { name: rule.name.toUpperCase(), groupIds: [UNASSIGNED_COMPUTERS_GROUP_ID] }, { token: admin })).status).toBe(409);
      expect((await app.http.post('/api/v1/approval-rules', { name: 'x2', groupIds: [] }, { token: admin })).status).toBe(400);
      expect((await app.http.post('/api/v1/approval-rules', { name: 'x3', groupIds: [UNASSIGNED_COMPUTERS_GROUP_ID], classifications: ['hotfix'] }, { token: admin })).status).toBe(400);
      expect((await app.http.post('/api/v1/approval-rules', { name: 'x4', groupIds: [UNASSIGNED_COMPUTERS_GROUP_ID], minSeverity: 'urgent' }, { token: admin })).status).toBe(400);
    });

    it('admin and approver manage rules; an auditor gets 403 on every rule endpoint', async () => {
      const rule = await createRule({ groupIds: [UNASSIGNED_COMPUTERS_GROUP_ID], enabled: false });
      const { token: approver } = await userWithRole(app, Role.Approver, admin);
      const { token: auditor } = await userWithRole(app, Role.Auditor, admin);
      expect((await app.http.patch(`/api/v1/approval-rules/${rule.id}`, { deadlineDays: 1 }, { token: approver })).status).toBe(200);
      expect((await app.http.get('/api/v1/approval-rules', { token: auditor })).status).toBe(403);
      expect((await app.http.post('/api/v1/approval-rules', { name: 'a', groupIds: [UNASSIGNED_COMPUTERS_GROUP_ID] }, { token: auditor })).status).toBe(403);
      expect((await app.http.patch(`/api/v1/approval-rules/${rule.id}`, { enabled: true }, { token: auditor })).status).toBe(403);
      expect((await app.http.post(`/api/v1/approval-rules/${rule.id}/apply`, undefined, { token: auditor })).status).toBe(403);
      expect((await app.http.delete(`/api/v1/approval-rules/${rule.id}`, { token: auditor })).status).toBe(403);
      expect((await app.http.get(`/api/v1/approval-rules/${rule.id}`, { token: admin })).body.enabled).toBe(false);
    });
  });

  describe('evaluation', () => {
    it('approves what a sync brings, when it matches, with source rule and one log entry each', async () => {
      const ring = await createGroup(app, admin, { name: 'Ring 0' });
      const rule = await createRule({ classifications: ['security'], products: ['Windows'], minSeverity: 'important', groupIds: [ring.id], deadlineDays: 3 });
      const items = {
        match: feedItem({ classification: 'security', severity: 'critical', products: ['Windows/Windows Server 2022'] }),
        matchUserInput: feedItem({ classification: 'security', severity: 'important', installBehavior: { reboot: 'always', userInput: true } }),
        tooMild: feedItem({ classification: 'security', severity: 'low' }),
        noSeverity: feedItem({ classification: 'security', severity: null }),
        otherClass: feedItem({ classification: 'update', severity: 'critical' }),
        otherProduct: feedItem({ classification: 'security', severity: 'critical', products: ['WindowsPhone/8'] }),
        eula: feedItem({ classification: 'security', severity: 'critical', requiresEula: true }),
        expired: feedItem({ classification: 'security', severity: 'critical', state: 'expired' }),
      };
      const run = await syncFeedItems(app, admin, [Object.values(items)]);
      expect(run.status).toBe('succeeded');
      const ids = Object.values(items).map((i) => i.updateId);
      const approved = await eventually(() => approvalsOf(ids), (rows) => rows.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await approvalsOf(ids)).map((a) => a.update_id).sort()).toEqual([items.match.updateId, items.matchUserInput.updateId].sort());
      const byUpdate = new Map(approved.map((a) => [a.update_id, a]));
      expect(byUpdate.get(items.match.updateId)).toMatchObject({ group_id: ring.id, decision: 'install', source: 'rule', rule_id: rule.id });
      const deadline = byUpdate.get(items.match.updateId)!.deadline!.getTime();
      expect(Math.abs(deadline - (Date.now() + 3 * 86_400_000))).toBeLessThan(60_000);
      // no deadline for an update that needs the user
      expect(byUpdate.get(items.matchUserInput.updateId)!.deadline).toBeNull();

      const entries = (await logRows(app)).filter((e) => ids.includes(e.update_id as string));
      expect(entries).toHaveLength(2);
      for (const entry of entries) {
        expect(entry).toMatchObject({ source: 'rule', actor_type: 'rule', actor_id: `rule:${rule.id}`, actor_name: rule.name, rule_id: rule.id, previous_decision: 'none', new_decision: 'install' });
      }
      const pc = await registerComputer(app, admin, { groupId: ring.id });
      const effective = await app.http.get(`/api/v1/computers/${pc.computerId}/effective-approvals?updateId=${items.match.updateId}`, { token: admin });
      expect(effective.body.items[0]).toMatchObject({ decision: 'install', sourceGroupId: ring.id });
      expect((await app.http.get('/api/v1/audit/verify', { token: admin })).body.ok).toBe(true);
      await disable(rule.id);
    });

    it('never overrides a manual decision for the same (update, group), not even a manual "none"; apply reports counts and is idempotent', async () => {
      const ring = await createGroup(app, admin);
      const declined = await insertUpdate(app.db, { classification: 'definition' });
      const reverted = await insertUpdate(app.db, { classification: 'definition' });
      const fresh = await insertUpdate(app.db, { classification: 'definition' });
      await approve(app, admin, { updateId: declined, groupId: ring.id, decision: 'decline', reason: 'breaks the lab' });
      await approve(app, admin, { updateId: reverted, groupId: ring.id, decision: 'install' });
      await approve(app, admin, { updateId: reverted, groupId: ring.id, decision: 'none' });
      const rule = await createRule({ classifications: ['definition'], groupIds: [ring.id, UNASSIGNED_COMPUTERS_GROUP_ID] });

      const first = await app.http.post(`/api/v1/approval-rules/${rule.id}/apply`, undefined, { token: admin });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ ruleId: rule.id, updatesSkippedBusy: 0 });
      expect(first.body.updatesEvaluated).toBeGreaterThanOrEqual(3);
      const rows = await approvalsOf([declined, reverted, fresh]);
      expect(rows.map((r) => [r.update_id, r.group_id, r.decision, r.source])).toEqual(
        expect.arrayContaining([
          [declined, ring.id, 'decline', 'manual'],
          [declined, UNASSIGNED_COMPUTERS_GROUP_ID, 'install', 'rule'],
          [reverted, UNASSIGNED_COMPUTERS_GROUP_ID, 'install', 'rule'],
          [fresh, ring.id, 'install', 'rule'],
          [fresh, UNASSIGNED_COMPUTERS_GROUP_ID, 'install', 'rule'],
        ]),
      );
      expect(rows).toHaveLength(5);
      expect(first.body.approvalsCreated).toBe(4);

      const [{ count: logBefore }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      const second = await app.http.post(`/api/v1/approval-rules/${rule.id}/apply`, undefined, { token: admin });
      expect(second.body.approvalsCreated).toBe(0);
      const [{ count: logAfter }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
      expect(logAfter).toBe(logBefore);
      await disable(rule.id);
    });

    it('never approves declined updates, even on apply', async () => {
      const ring = await createGroup(app, admin);
      const declined = await insertUpdate(app.db, { classification: 'tool', declinedReason: 'withdrawn' });
      const rule = await createRule({ classifications: ['tool'], groupIds: [ring.id] });
      await app.http.post(`/api/v1/approval-rules/${rule.id}/apply`, undefined, { token: admin });
      expect(await approvalsOf([declined])).toEqual([]);
      await disable(rule.id);
    });

    it('waits delayDays after release: the daily pass (a real EvaluateRules job) approves once an update has soaked', async () => {
      const ring = await createGroup(app, admin);
      const soaked = await insertUpdate(app.db, { classification: 'driver', releasedAt: daysAgo(20) });
      const young = await insertUpdate(app.db, { classification: 'driver', releasedAt: daysAgo(5) });
      const rule = await createRule({ classifications: ['driver'], groupIds: [ring.id], delayDays: 10 });

      const runDailyPass = async () => {
        const job = await queue.add(JobName.EvaluateRules, {});
        return job.waitUntilFinished(queueEvents, 20_000);
      };
      await runDailyPass();
      expect((await approvalsOf([soaked, young])).map((a) => a.update_id)).toEqual([soaked]);

      await app.db.query(`UPDATE updates SET released_at = now() - interval '11 days' WHERE update_id = $1`, [young]);
      const result = await runDailyPass();
      expect(result.approvalsCreated).toBe(1);
      expect((await approvalsOf([soaked, young])).map((a) => a.update_id).sort()).toEqual([soaked, young].sort());
      await disable(rule.id);
    });

    it('the worker registers the daily scheduler once, under its fixed id', async () => {
      const schedulers = await queue.getJobSchedulers();
      const daily = schedulers.filter((s) => s.key === DAILY_RULES_SCHEDULER_ID || s.id === DAILY_RULES_SCHEDULER_ID);
      expect(daily).toHaveLength(1);
      expect(daily[0]).toMatchObject({ pattern: DAILY_RULES_PATTERN, name: JobName.EvaluateRules });
    });
  });
});

describe('approvals when a sync revises or expires an update', () => {
  let app: TestApp;
  let admin: string;
  let ring: TestGroup;
  const x = feedItem({ title: 'plain revision' });
  const y = feedItem({ title: 'revision with a EULA' });
  const z = feedItem({ title: 'expires' });

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    ring = await createGroup(app, admin, { name: 'Ring' });
    expect((await syncFeedItems(app, admin, [[x, y, z]])).status).toBe('succeeded');
    for (const updateId of [x.updateId, y.updateId, z.updateId]) await approve(app, admin, { updateId, groupId: ring.id, decision: 'install' });
    await approve(app, admin, { updateId: x.updateId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'decline', reason: 'not there' });
    await approve(app, admin, { updateId: z.updateId, groupId: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'uninstall' });
  });
  afterAll(() => app.close());

  const approvalRows = (updateId: string) =>
    app.db.query('SELECT group_id, decision, status, revision FROM approvals WHERE update_id = $1 ORDER BY group_id', [updateId]);

  it('the listener writes nothing when the sync\'s transaction rolls back', async () => {
    const listener = app.worker!.get(ApprovalsCatalogListener);
    const workerDb = app.worker!.get(DataSource);
    const [{ count: before }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
    await expect(
      workerDb.transaction(async (manager) => {
        await listener.onCatalogChanges(manager, [{ updateId: z.updateId, kind: 'expired', previousRevision: 1, currentRevision: 2, newlyRequiresEula: false, filesChanged: false }], { syncRunId: 'rolled-back' });
        expect(await manager.query('SELECT 1 FROM approvals WHERE update_id = $1 AND decision = $2', [z.updateId, 'install'])).toEqual([]);
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    expect(await approvalRows(z.updateId)).toHaveLength(2);
    const [{ count: after }] = await app.db.query('SELECT count(*)::int AS count FROM approval_log');
    expect(after).toBe(before);
  });

  describe('after a sync with revision 2 of each', () => {
    let logBefore: number;
    beforeAll(async () => {
      logBefore = (await logRows(app)).length;
      const run = await syncFeedItems(app, admin, [[
        { ...x, revision: 2, title: 'plain revision, v2' },
        { ...y, revision: 2, requiresEula: true },
        { ...z, revision: 2, state: 'expired' },
      ]]);
      expect(run).toMatchObject({ status: 'succeeded', revisedUpdates: 2, expiredUpdates: 1 });
    });

    it('a new revision keeps the approvals, carried over to it, each logged with source sync', async () => {
      const rows: { group_id: string; decision: string; status: string; revision: number }[] = await approvalRows(x.updateId);
      expect(rows.map((r) => [r.group_id, r.decision, r.status, r.revision]).sort()).toEqual(
        [[ring.id, 'install', 'active', 2], [UNASSIGNED_COMPUTERS_GROUP_ID, 'decline', 'active', 2]].sort(),
      );
      const entries = (await logRows(app)).slice(logBefore).filter((e) => e.update_id === x.updateId);
      expect(entries.map((e) => [e.group_id, e.previous_decision, e.new_decision, e.revision, e.source, e.actor_type]).sort()).toEqual(
        [[ring.id, 'install', 'install', 2, 'sync', 'sync'], [UNASSIGNED_COMPUTERS_GROUP_ID, 'decline', 'decline', 2, 'sync', 'sync']].sort(),
      );
    });

    it('a revision that newly requires a EULA suspends the install approval until an admin approves again', async () => {
      expect(await approvalRows(y.updateId)).toEqual([{ group_id: ring.id, decision: 'install', status: 'needs_review', revision: 2 }]);
      const [entry] = (await logRows(app)).slice(logBefore).filter((e) => e.update_id === y.updateId);
      expect(entry).toMatchObject({ previous_decision: 'install', new_decision: 'install', status: 'needs_review', source: 'sync', revision: 2 });
      const listed = await app.http.get('/api/v1/approvals?status=needs_review', { token: admin });
      expect(listed.body.items.map((a: { updateId: string }) => a.updateId)).toEqual([y.updateId]);
      const pc = await registerComputer(app, admin, { groupId: ring.id });
      const effective = await app.http.get(`/api/v1/computers/${pc.computerId}/effective-approvals?updateId=${y.updateId}`, { token: admin });
      expect(effective.body.items[0]).toMatchObject({ decision: 'install', status: 'needs_review' });

      const again = await approve(app, admin, { updateId: y.updateId, groupId: ring.id, decision: 'install' });
      expect(again.logEntry).toMatchObject({ previousDecision: 'install', newDecision: 'install', status: 'active', source: 'manual' });
      expect(await approvalRows(y.updateId)).toEqual([{ group_id: ring.id, decision: 'install', status: 'active', revision: 2 }]);
    });

    it('an expired update loses its install approvals (logged, source sync); other decisions stay', async () => {
      expect(await approvalRows(z.updateId)).toEqual([{ group_id: UNASSIGNED_COMPUTERS_GROUP_ID, decision: 'uninstall', status: 'active', revision: 1 }]);
      const entries = (await logRows(app)).slice(logBefore).filter((e) => e.update_id === z.updateId);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ group_id: ring.id, previous_decision: 'install', new_decision: 'none', source: 'sync', revision: 2 });
    });

    it('a second, unchanged sync changes no approval and logs nothing; the chain verifies', async () => {
      const count = (await logRows(app)).length;
      const run = await syncFeedItems(app, admin, [[{ ...x, revision: 2, title: 'plain revision, v2' }]]);
      expect(run.status).toBe('succeeded');
      expect((await logRows(app)).length).toBe(count);
      expect((await app.http.get('/api/v1/audit/verify', { token: admin })).body).toEqual({ ok: true, checked: count, firstBrokenSeq: null, truncated: false, reason: null });
    });
  });
});
