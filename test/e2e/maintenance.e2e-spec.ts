import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Role } from '../../src/common/auth/role';
import { JobName, QueueName } from '../../src/infra/queue/queue-names';
import { ALL_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { LocalDiskStorage } from '../../src/modules/content/storage/local-disk.storage';
import { MAINTENANCE_SCHEDULER_ID } from '../../src/modules/maintenance/maintenance-queue';
import { approve } from '../factories/approvals.factory';
import { registerComputer, RegisteredComputer } from '../factories/computers.factory';
import { insertUpdate, UpdateSeed } from '../factories/updates.factory';
import { createGroup } from '../factories/groups.factory';
import { userWithRole } from '../factories/users.factory';
import { eventually } from '../support/eventually';
import { createTestEnvironment, startTestApp, TestApp } from '../support/test-app';

interface RunBody {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  tasks: { task: string; enabled: boolean; done: boolean; count: number }[];
}

/** Every task off: each test switches on the one it is about, so counts are exact. */
const ALL_OFF = {
  schedule: null,
  declineSupersededAfterDays: 0,
  declineExpired: false,
  removeComputersAfterDays: 0,
  statusHistoryDays: 0,
  deleteUnneededContent: false,
  vacuum: false,
};

describe('maintenance', () => {
  let app: TestApp;
  let admin: string;
  let auditor: string;
  let approver: string;

  const configure = async (settings: Record<string, unknown>) => {
    const res = await app.http.put('/api/v1/maintenance/config', { ...ALL_OFF, ...settings }, { token: admin });
    expect(res.status).toBe(200);
    return res.body;
  };
  const getRun = async (id: string) => (await app.http.get<RunBody>(`/api/v1/maintenance/runs/${id}`, { token: admin })).body;
  const runMaintenance = async (): Promise<RunBody> => {
    const started = await app.http.post('/api/v1/maintenance/runs', undefined, { token: admin });
    expect(started.status).toBe(202);
    return eventually(() => getRun(started.body.id), (run) => run.status === 'succeeded' || run.status === 'failed', 60_000);
  };
  const countOf = (run: RunBody, task: string) => run.tasks.find((t) => t.task === task)?.count;
  const isDeclined = async (updateId: string) =>
    ((await app.db.query('SELECT declined_at IS NOT NULL AS declined FROM updates WHERE update_id = $1', [updateId])) as { declined: boolean }[])[0].declined;
  const reportState = (pc: RegisteredComputer, updateId: string, state: string) =>
    app.db.query(
      `INSERT INTO install_states (computer_id, update_id, revision, state, occurred_at, seq) VALUES ($1, $2, 1, $3, now(), 1)`,
      [pc.computerId, updateId, state],
    );
  /** An update superseded by a new one whose first revision naming it was synced `days` days ago. */
  const supersededFor = async (days: number, superseder: UpdateSeed = {}) => {
    const old = await insertUpdate(app.db);
    const current = await insertUpdate(app.db, { supersedes: [old], ...superseder });
    await app.db.query(`UPDATE update_revisions SET synced_at = now() - make_interval(days => $2) WHERE update_id = $1`, [current, days]);
    return { old, current };
  };

  beforeAll(async () => {
    const environment = await createTestEnvironment({ PATCHGATE_STATUS_HISTORY_DAYS: '120' });
    app = await startTestApp({ withWorker: true, environment });
    admin = await app.login();
    auditor = (await userWithRole(app, Role.Auditor, admin)).token;
    approver = (await userWithRole(app, Role.Approver, admin)).token;
  }, 120_000);
  afterAll(() => app.close());

  describe('configuration', () => {
    it('starts daily with the documented defaults, the history retention seeded from PATCHGATE_STATUS_HISTORY_DAYS', async () => {
      const res = await app.http.get('/api/v1/maintenance/config', { token: admin });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        schedule: '17 3 * * *',
        declineSupersededAfterDays: 30,
        declineExpired: true,
        removeComputersAfterDays: 90,
        statusHistoryDays: 120,
        deleteUnneededContent: true,
        vacuum: true,
        batchSize: 500,
      });
      expect(Date.parse(res.body.nextRunAt)).toBeGreaterThan(Date.now());
      const queue = app.worker!.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
      expect(await queue.getJobScheduler(MAINTENANCE_SCHEDULER_ID)).toMatchObject({ pattern: '17 3 * * *' });
    });

    it('admins change it (a null schedule removes the scheduled run); others may not; bad values are refused', async () => {
      const saved = await configure({ declineSupersededAfterDays: 45, batchSize: 50 });
      expect(saved).toMatchObject({ schedule: null, nextRunAt: null, declineSupersededAfterDays: 45, batchSize: 50, updatedBy: 'admin' });
      const queue = app.worker!.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
      expect(await queue.getJobScheduler(MAINTENANCE_SCHEDULER_ID)).toBeUndefined();
      expect((await app.http.put('/api/v1/maintenance/config', ALL_OFF, { token: approver })).status).toBe(403);
      expect((await app.http.get('/api/v1/maintenance/config', { token: auditor })).status).toBe(403);
      const bad = await app.http.put('/api/v1/maintenance/config', { ...ALL_OFF, schedule: 'every day', removeComputersAfterDays: -1 }, { token: admin });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.errors)).toMatch(/schedule/);
      expect(JSON.stringify(bad.body.errors)).toMatch(/removeComputersAfterDays/);
    });
  });

  describe('declining superseded updates', () => {
    it('declines what a current update superseded long enough ago and no computer needs; keeps the rest', async () => {
      const pc = await registerComputer(app, admin);
      // Its superseder is for arm64 only, so it does not hide the old update from this x64 computer.
      const unneeded = await supersededFor(40, { applicability: { osFamily: ['windows'], arch: ['arm64'] } });
      const installedOnly = await supersededFor(40);
      const needed = await supersededFor(40);
      const recent = await supersededFor(10);
      const byDeclined = await supersededFor(40, { declinedReason: 'withdrawn' });
      await reportState(pc, installedOnly.old, 'installed');
      await reportState(pc, needed.old, 'failed');
      // Approved with its superseder, and offered (the superseder does not apply here): the decline must reach the cached offer.
      await approve(app, admin, { updateId: unneeded.old, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' });
      await approve(app, admin, { updateId: unneeded.current, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' });
      const before = await app.http.post('/client/v1/checkin', {}, { token: pc.token });
      expect(before.body.updates.map((u: { updateId: string }) => u.updateId)).toContain(unneeded.old);

      await configure({ declineSupersededAfterDays: 30 });
      const run = await runMaintenance();

      expect(run.status).toBe('succeeded');
      expect(countOf(run, 'declineSuperseded')).toBe(2);
      expect(await isDeclined(unneeded.old)).toBe(true);
      expect(await isDeclined(installedOnly.old)).toBe(true);
      for (const kept of [needed.old, recent.old, byDeclined.old, unneeded.current]) expect(await isDeclined(kept)).toBe(false);

      const [entry] = await app.db.query('SELECT * FROM approval_log WHERE update_id = $1 ORDER BY seq DESC LIMIT 1', [unneeded.old]);
      expect(entry).toMatchObject({ source: 'maintenance', actor_type: 'maintenance', actor_name: 'maintenance', group_id: null, new_decision: 'decline' });
      expect(entry.reason).toContain(unneeded.current);
      expect((await app.http.get('/api/v1/audit/verify', { token: auditor })).body).toMatchObject({ ok: true });

      const after = await app.http.post('/client/v1/checkin', {}, { token: pc.token, headers: { 'if-none-match': before.headers.get('etag')! } });
      expect(after.status).toBe(200);
      expect(after.body.updates.map((u: { updateId: string }) => u.updateId)).not.toContain(unneeded.old);
    });

    it('declines only where the superseding update is effectively approved in every group that approves the old one, and says so', async () => {
      const pilot = await createGroup(app, admin, { name: `Pilot-${randomUUID().slice(0, 6)}` });
      const ring = await createGroup(app, admin, { name: `Ring-${randomUUID().slice(0, 6)}`, parentId: pilot.id });
      const stranded = await supersededFor(40); // old approved for Pilot, new approved nowhere
      const covered = await supersededFor(40); // old approved for Pilot, new for All Computers (inherited)
      const childDeclines = await supersededFor(40); // as covered, but Pilot's child declines the new one
      const suspended = await supersededFor(40); // the new one's approval for Pilot waits for review
      const unapproved = await supersededFor(40); // approved nowhere: nothing to strand
      for (const pair of [stranded, covered, childDeclines, suspended]) {
        await approve(app, admin, { updateId: pair.old, groupId: pilot.id, decision: 'install' });
      }
      for (const pair of [covered, childDeclines]) {
        await approve(app, admin, { updateId: pair.current, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' });
      }
      await approve(app, admin, { updateId: childDeclines.current, groupId: ring.id, decision: 'decline', reason: 'breaks the ring' });
      await approve(app, admin, { updateId: suspended.current, groupId: pilot.id, decision: 'install' });
      await app.db.query(`UPDATE approvals SET status = 'needs_review' WHERE update_id = $1`, [suspended.current]);

      await configure({ declineSupersededAfterDays: 30 });
      const run = await runMaintenance();
      expect(run.status).toBe('succeeded');
      const declined = await Promise.all([stranded, covered, childDeclines, suspended, unapproved].map((p) => isDeclined(p.old)));
      expect(declined).toEqual([false, true, false, false, true]);

      const reasonOf = async (updateId: string) =>
        (await app.db.query(`SELECT reason FROM approval_log WHERE update_id = $1 AND source = 'maintenance'`, [updateId]))[0].reason;
      expect(await reasonOf(covered.old)).toBe(
        `superseded by ${covered.current} for more than 30 days and needed by no computer; ${covered.current} is approved for install in all 2 group(s) that had this update approved`,
      );
      expect(await reasonOf(unapproved.old)).toBe(`superseded by ${unapproved.current} for more than 30 days and needed by no computer; approved for install in no group`);
    });
  });

  it('declines expired updates, logged with source maintenance', async () => {
    const expired = await insertUpdate(app.db, { state: 'expired' });
    const active = await insertUpdate(app.db);
    await configure({ declineExpired: true });
    const run = await runMaintenance();
    expect(countOf(run, 'declineExpired')).toBe(1);
    expect(await isDeclined(expired)).toBe(true);
    expect(await isDeclined(active)).toBe(false);
    const entries = await app.db.query('SELECT source, reason FROM approval_log WHERE update_id = $1', [expired]);
    expect(entries).toEqual([{ source: 'maintenance', reason: 'expired by the upstream' }]);
    expect((await app.http.get('/api/v1/audit/verify', { token: auditor })).body).toMatchObject({ ok: true });
  });

  describe('removing computers', () => {
    const lastContact = (pc: RegisteredComputer, daysAgo: number) =>
      app.db.query(`UPDATE computers SET registered_at = now() - make_interval(days => $2), last_seen_at = now() - make_interval(days => $2) WHERE id = $1`, [
        pc.computerId,
        daysAgo,
      ]);
    const exists = async (pc: RegisteredComputer) => (await app.db.query('SELECT 1 FROM computers WHERE id = $1', [pc.computerId])).length === 1;

    it('removes computers with no contact for the configured days, with their history; keeps fresh ones', async () => {
      const stale = await registerComputer(app, admin);
      const fresh = await registerComputer(app, admin);
      const updateId = await insertUpdate(app.db);
      await app.http.post('/client/v1/checkin', {}, { token: stale.token }); // its token is now cached
      await reportState(stale, updateId, 'installed');
      await app.db.query(`INSERT INTO status_events (computer_id, update_id, revision, state, occurred_at, seq) VALUES ($1, $2, 1, 'installed', now(), 1)`, [
        stale.computerId,
        updateId,
      ]);
      await lastContact(stale, 100);
      await lastContact(fresh, 3);

      await configure({ removeComputersAfterDays: 90 });
      const run = await runMaintenance();

      expect(countOf(run, 'removeStaleComputers')).toBe(1);
      expect(await exists(stale)).toBe(false);
      expect(await exists(fresh)).toBe(true);
      expect(await app.db.query('SELECT 1 FROM install_states WHERE computer_id = $1', [stale.computerId])).toEqual([]);
      expect(await app.db.query('SELECT 1 FROM status_events WHERE computer_id = $1', [stale.computerId])).toEqual([]);
      expect((await app.http.post('/client/v1/checkin', {}, { token: stale.token })).status).toBe(401);
      expect((await app.http.post('/client/v1/checkin', {}, { token: fresh.token })).status).toBe(200);
    });

    it('0 days: never removes a computer', async () => {
      const stale = await registerComputer(app, admin);
      await lastContact(stale, 1000);
      await configure({ removeComputersAfterDays: 0 });
      const run = await runMaintenance();
      expect(run.tasks.find((t) => t.task === 'removeStaleComputers')).toMatchObject({ enabled: false, count: 0 });
      expect(await exists(stale)).toBe(true);
    });
  });

  it('prunes status history older than the retention, keeping recent events and the current state', async () => {
    const pc = await registerComputer(app, admin);
    const updateId = await insertUpdate(app.db);
    await reportState(pc, updateId, 'installed');
    await app.db.query(
      `INSERT INTO status_events (computer_id, update_id, revision, state, occurred_at, seq, received_at)
       SELECT $1, $2, 1, 'downloaded', now(), n, now() - make_interval(days => $3) FROM generate_series(1, 3) n`,
      [pc.computerId, updateId, 40],
    );
    await app.db.query(`INSERT INTO status_events (computer_id, update_id, revision, state, occurred_at, seq, received_at) VALUES ($1, $2, 1, 'installed', now(), 4, now() - interval '5 days')`, [
      pc.computerId,
      updateId,
    ]);
    await configure({ statusHistoryDays: 30 });
    const run = await runMaintenance();
    expect(countOf(run, 'pruneStatusHistory')).toBe(3);
    expect(await app.db.query('SELECT seq::int FROM status_events WHERE computer_id = $1', [pc.computerId])).toEqual([{ seq: 4 }]);
    expect(await app.db.query('SELECT state FROM install_states WHERE computer_id = $1', [pc.computerId])).toEqual([{ state: 'installed' }]);
  });

  it('deletes stored files no approval needs and files the store does not track; keeps what an install approval names', async () => {
    const storage = new LocalDiskStorage(app.config.content.dir);
    const isOnDisk = (sha256: string) => existsSync(join(app.config.content.dir, 'files', sha256.slice(0, 2), sha256));
    /** A verified file in the store, as a finished download leaves it, tracked in content_files unless told otherwise. */
    const storedFile = async (tracked = true) => {
      const bytes = randomBytes(4096);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await storage.write(sha256, bytes.length, async (offset) => ({ offset, stream: Readable.from([bytes.subarray(offset)]) }));
      const file = { name: `${sha256.slice(0, 8)}.bin`, url: `https://upstream.invalid/${sha256}`, sha256, size: bytes.length };
      if (tracked) {
        await app.db.query(`INSERT INTO content_files (sha256, size, url, source, status, stored_at) VALUES ($1, $2, $3, 'test:1', 'stored', now())`, [
          sha256, bytes.length, file.url,
        ]);
      }
      return file;
    };
    const needed = await storedFile();
    await approve(app, admin, { updateId: await insertUpdate(app.db, { files: [needed] }), groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' });
    const unneeded = [await storedFile(), await storedFile(), await storedFile()];
    await insertUpdate(app.db, { files: [unneeded[0]] }); // named by an update nobody approved
    const untracked = await storedFile(false);

    await configure({ deleteUnneededContent: true, batchSize: 2 });
    const run = await runMaintenance();
    expect(run.tasks.find((t) => t.task === 'deleteUnneededContent')).toMatchObject({ enabled: true, done: true, count: 4 });
    for (const file of [...unneeded, untracked]) expect(isOnDisk(file.sha256)).toBe(false);
    expect(isOnDisk(needed.sha256)).toBe(true);
    const rows: { sha256: string }[] = await app.db.query('SELECT sha256 FROM content_files');
    expect(rows.map((r) => r.sha256)).toEqual([needed.sha256]);
  });

  it('vacuums the busiest tables', async () => {
    await configure({ vacuum: true });
    const run = await runMaintenance();
    expect(run.tasks.find((t) => t.task === 'vacuum')).toMatchObject({ enabled: true, done: true, count: 4 });
    const vacuumed = await eventually(
      () => app.db.query(`SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL AND relname IN ('status_events', 'install_states', 'approvals', 'computers')`),
      (rows: unknown[]) => rows.length === 4,
    );
    expect(vacuumed).toHaveLength(4);
  });

  describe('the maintenance log', () => {
    it('keeps a row per run with counts per task, newest first, readable by auditors, not by approvers', async () => {
      // Enough earlier runs that the log's order must be numeric (10 after 9), not textual.
      await app.db.query(
        `INSERT INTO maintenance_runs (trigger, status, settings, queued_at, finished_at)
         SELECT 'scheduled', 'succeeded', '{}', now(), now() FROM generate_series(1, 12) n`,
      );
      await configure({});
      const run = await runMaintenance();
      expect(run).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
      expect(run.tasks.map((t) => t.task)).toEqual(['declineSuperseded', 'declineExpired', 'removeStaleComputers', 'pruneStatusHistory', 'deleteUnneededContent', 'recountCompliance', 'vacuum']);
      const list = await app.http.get('/api/v1/maintenance/runs?limit=5', { token: auditor });
      expect(list.status).toBe(200);
      expect(list.body.items[0]).toMatchObject({ id: run.id, trigger: 'manual', requestedBy: 'admin' });
      const listed: string[] = [];
      for (let cursor: string | null = ''; cursor !== null; ) {
        const page: { body: { items: RunBody[]; nextCursor: string | null } } = await app.http.get(
          `/api/v1/maintenance/runs?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
          { token: auditor },
        );
        listed.push(...page.body.items.map((r) => r.id));
        cursor = page.body.nextCursor;
      }
      const stored: { id: string }[] = await app.db.query('SELECT id FROM maintenance_runs ORDER BY seq DESC');
      expect(listed).toEqual(stored.map((r) => r.id));
      expect((await app.http.get(`/api/v1/maintenance/runs/${run.id}`, { token: auditor })).body.id).toBe(run.id);
      expect((await app.http.get('/api/v1/maintenance/runs', { token: approver })).status).toBe(403);
      expect((await app.http.post('/api/v1/maintenance/runs', undefined, { token: auditor })).status).toBe(403);
      expect((await app.http.get(`/api/v1/maintenance/runs/${randomUUID()}`, { token: admin })).status).toBe(404);
    });

    it('answers 409 naming the active run while one is running', async () => {
      const [{ id }] = await app.db.query(`INSERT INTO maintenance_runs (trigger, status, settings) VALUES ('scheduled', 'running', '{}') RETURNING id`);
      try {
        const res = await app.http.post('/api/v1/maintenance/runs', undefined, { token: admin });
        expect(res.status).toBe(409);
        expect(res.body.activeRunId).toBe(id);
      } finally {
        await app.db.query(`UPDATE maintenance_runs SET status = 'failed', finished_at = now() WHERE id = $1`, [id]);
      }
    });
  });

  it('the one processor of the maintenance queue runs schedule ticks and the audit retention job', async () => {
    await configure({});
    const queue = app.worker!.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
    const tick = await queue.add(JobName.ScheduledMaintenance, {});
    const retention = await queue.add(JobName.PruneAuditEvents, {});
    await eventually(async () => [await tick.getState(), await retention.getState()], (states) => states.every((s) => s === 'completed'));
    const [latest] = (await app.http.get<{ items: (RunBody & { trigger: string })[] }>('/api/v1/maintenance/runs?limit=1', { token: admin })).body.items;
    expect(latest.trigger).toBe('scheduled');
    expect((await eventually(() => getRun(latest.id), (run) => run.status !== 'queued' && run.status !== 'running')).status).toBe('succeeded');
    expect((await queue.getJob(retention.id!))!.returnvalue).toMatchObject({ deleted: 0, olderThan: null });
  });

  it('an interrupted run resumes on the next attempt, after its last committed batch, with correct totals', async () => {
    const pc = await registerComputer(app, admin);
    const updateId = await insertUpdate(app.db);
    await app.db.query(
      `INSERT INTO status_events (computer_id, update_id, revision, state, occurred_at, seq, received_at)
       SELECT $1, $2, 1, 'downloaded', now(), n, now() - make_interval(days => 100 - n) FROM generate_series(1, 5) n`,
      [pc.computerId, updateId],
    );
    // The third oldest event (seq 3) cannot be deleted, for now: the second batch of two fails.
    await app.db.query(`
      CREATE FUNCTION refuse_event_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF OLD.computer_id = '${pc.computerId}' AND OLD.seq = 3 THEN RAISE EXCEPTION 'disk trouble'; END IF; RETURN OLD; END $$`);
    await app.db.query('CREATE TRIGGER refuse_event_delete BEFORE DELETE ON status_events FOR EACH ROW EXECUTE FUNCTION refuse_event_delete()');
    let runId: string;
    try {
      await configure({ statusHistoryDays: 30, batchSize: 2 });
      const started = await app.http.post('/api/v1/maintenance/runs', undefined, { token: admin });
      expect(started.status).toBe(202);
      runId = started.body.id;
      const failedOnce = await eventually(() => getRun(runId), (run) => run.error !== null, 60_000);
      expect(failedOnce.status).toBe('running');
      expect(failedOnce.error).toMatch(/disk trouble/);
      expect(countOf(failedOnce, 'pruneStatusHistory')).toBe(2);
    } finally {
      await app.db.query('DROP TRIGGER refuse_event_delete ON status_events');
    }
    const finished = await eventually(() => getRun(runId), (run) => run.status !== 'running', 60_000);
    expect(finished).toMatchObject({ status: 'succeeded', error: null });
    expect(finished.attempts).toBeGreaterThanOrEqual(2);
    expect(countOf(finished, 'pruneStatusHistory')).toBe(5);
    expect(await app.db.query('SELECT 1 FROM status_events WHERE computer_id = $1', [pc.computerId])).toEqual([]);
  });
});
