import { Client } from 'pg';
import { ComplianceCounterDeltas1765000000000 } from '../../migrations/1765000000000-ComplianceCounterDeltas';
import { ComplianceCounters, FOLD_SQL } from '../../src/modules/reports/compliance-counters';
import { ComplianceFoldService } from '../../src/modules/reports/compliance-fold.service';
import { syncSampleCatalog } from '../factories/catalog.factory';
import { createEnrollmentKey, registrationBody, RegisteredComputer } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { approve } from '../factories/approvals.factory';
import { eventually } from '../support/eventually';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = '00000000-0000-4000-8000-000000000001';
const WINDOWS = { family: 'windows', version: '10.0.26100' };
const LINUX = { family: 'linux', version: '24.04' };

type Counts = Record<string, number>;

/**
 * The report counts as the reports computed them before the counters: every (counted computer,
 * update) pair scanned — reported state, else needed (approved for install and applicable), else
 * unknown when applicable, else not applicable. The counters must always agree with it.
 */
const SCAN_SQL = `
  WITH scope AS (SELECT id, path FROM computer_groups WHERE path @> ARRAY[$1::uuid]),
  approved AS (SELECT s.id AS group_id, e.update_id FROM scope s CROSS JOIN LATERAL (
                 SELECT DISTINCT ON (a.update_id) a.update_id, a.decision, a.status
                   FROM unnest(s.path) WITH ORDINALITY AS p(group_id, depth) JOIN approvals a ON a.group_id = p.group_id
                  WHERE a.update_id = $2 ORDER BY a.update_id, p.depth DESC) e
                WHERE e.decision = 'install' AND e.status = 'active')
  SELECT coalesce(st.state, CASE WHEN NOT update_applies(u.applicability, c.os_family, c.os_version, c.arch) THEN 'not_applicable'
                                 WHEN ap.group_id IS NOT NULL THEN 'needed' ELSE 'unknown' END) AS state,
         count(*)::int AS n,
         count(*) FILTER (WHERE update_applies(u.applicability, c.os_family, c.os_version, c.arch))::int AS applicable
    FROM computers c JOIN scope s ON s.id = c.group_id
    JOIN updates u ON u.update_id = $2
    LEFT JOIN approved ap ON ap.group_id = c.group_id
    LEFT JOIN install_states st ON st.computer_id = c.id AND st.update_id = u.update_id
   WHERE c.revoked_at IS NULL
   GROUP BY 1`;

/** What the reports count per counter key: the counters plus the deltas not folded yet. */
const COUNTED_SQL = `
  SELECT group_id, update_id, state, applicable, sum(computers)::int AS computers
    FROM (SELECT * FROM group_update_state_counts UNION ALL SELECT * FROM group_update_state_deltas) c
   GROUP BY 1, 2, 3, 4 HAVING sum(computers) <> 0 ORDER BY 1, 2, 3, 4`;

const FIELD: Record<string, string> = {
  installed: 'installed', installed_pending_reboot: 'installedPendingReboot', downloaded: 'downloaded', failed: 'failed',
  not_applicable: 'notApplicable', uninstalled: 'uninstalled', needed: 'needed', unknown: 'unknown',
};

describe('compliance counters: reports from counters that always equal a recount', () => {
  let app: TestApp;
  let admin: string;
  let region: string;
  let siteA: string;
  let siteB: string;
  let w1: string;
  let w2: string;
  let lx: string;
  const pcs: Record<string, RegisteredComputer> = {};
  const seqs = new Map<string, number>();

  const register = async (groupId: string, os = WINDOWS): Promise<RegisteredComputer> => {
    const { key } = await createEnrollmentKey(app, admin, { groupId });
    const res = await app.http.post('/client/v1/register', registrationBody(key, { os }));
    expect(res.status).toBe(201);
    return { computerId: res.body.computerId, token: res.body.token };
  };

  /** Posts one status event per entry; answers once the worker stored them all. */
  const report = async (pc: RegisteredComputer, events: { updateId: string; state: string }[]) => {
    const body = {
      events: events.map((e) => {
        const seq = (seqs.get(pc.computerId) ?? 0) + 1;
        seqs.set(pc.computerId, seq);
        return { ...e, revision: 1, occurredAt: new Date().toISOString(), seq, ...(e.state === 'failed' ? { errorCode: '0x80070005' } : {}) };
      }),
    };
    const res = await app.http.post('/client/v1/status', body, { token: pc.token });
    expect(res.status).toBe(202);
    return seqs.get(pc.computerId)!;
  };
  const stored = (pc: RegisteredComputer, seq: number) =>
    eventually(() => app.db.query('SELECT 1 FROM status_events WHERE computer_id = $1 AND seq = $2', [pc.computerId, seq]), (r) => r.length === 1);

  const updateReport = async (updateId: string, groupId = ROOT) => {
    const res = await app.http.get(`/api/v1/reports/updates/${updateId}?groupId=${groupId}`, { token: admin });
    expect(res.status).toBe(200);
    return res.body as { computers: number; applicableComputers: number; counts: Counts };
  };

  const scan = async (updateId: string, groupId = ROOT) => {
    const rows: { state: string; n: number; applicable: number }[] = await app.db.query(SCAN_SQL, [groupId, updateId]);
    const counts: Counts = Object.fromEntries(Object.values(FIELD).map((f) => [f, 0]));
    for (const row of rows) counts[FIELD[row.state]] += row.n;
    return { counts, applicableComputers: rows.reduce((a, r) => a + r.applicable, 0), computers: rows.reduce((a, r) => a + r.n, 0) };
  };

  /** Every report of the three updates in the four groups, as the API answers them. */
  const allReports = async () => {
    const reports: unknown[] = [];
    for (const updateId of [w1, w2, lx]) {
      for (const groupId of [ROOT, region, siteA, siteB]) {
        const { computers, applicableComputers, counts } = await updateReport(updateId, groupId);
        reports.push({ updateId, groupId, computers, applicableComputers, counts });
      }
    }
    return reports;
  };

  /** Every report the counters (and their pending deltas) give equals the scan. */
  const expectReportsEqualScan = async () => {
    for (const updateId of [w1, w2, lx]) {
      for (const groupId of [ROOT, region, siteA, siteB]) {
        const { computers, applicableComputers, counts } = await updateReport(updateId, groupId);
        expect({ computers, applicableComputers, counts }).toEqual(await scan(updateId, groupId));
      }
    }
  };

  const pendingDeltas = async () => (await app.db.query('SELECT count(*)::int AS n FROM group_update_state_deltas'))[0].n as number;
  const folder = () => app.worker!.get(ComplianceFoldService, { strict: false });
  const counters = () => app.app.get(ComplianceCounters, { strict: false });

  /** Every report equals the scan, and a recount from scratch finds nothing to correct. */
  const expectExact = async () => {
    await expectReportsEqualScan();
    const recount = await app.http.post('/api/v1/reports/recount', {}, { token: admin });
    expect(recount.status).toBe(200);
    expect(recount.body).toMatchObject({ differences: 0 });
  };

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    expect((await syncSampleCatalog(app, admin)).status).toBe('succeeded');
    region = (await createGroup(app, admin, { name: 'Region' })).id;
    siteA = (await createGroup(app, admin, { name: 'Site A', parentId: region })).id;
    siteB = (await createGroup(app, admin, { name: 'Site B', parentId: region })).id;
    [{ update_id: w1 }, { update_id: w2 }] = await app.db.query(
      `SELECT update_id FROM updates WHERE state = 'active' AND declined_at IS NULL AND applicability->'osFamily' ? 'windows'
          AND NOT applicability->'osFamily' ? 'linux' AND applicability->'arch' ? 'x64'
          AND (applicability->>'minOsVersion' IS NULL OR os_version_key(applicability->>'minOsVersion') <= os_version_key($1))
        ORDER BY released_at DESC, update_id LIMIT 2`,
      [WINDOWS.version],
    );
    [{ update_id: lx }] = await app.db.query(
      `SELECT update_id FROM updates WHERE state = 'active' AND declined_at IS NULL AND applicability->'osFamily' ? 'linux'
          AND NOT applicability->'osFamily' ? 'windows' AND applicability->'arch' ? 'x64'
          AND (applicability->>'minOsVersion' IS NULL OR os_version_key(applicability->>'minOsVersion') <= os_version_key($1))
        ORDER BY released_at DESC, update_id LIMIT 1`,
      [LINUX.version],
    );
    await approve(app, admin, { updateId: w1, groupId: ROOT, decision: 'install' });
    await approve(app, admin, { updateId: lx, groupId: ROOT, decision: 'install' });
    await approve(app, admin, { updateId: w2, groupId: siteA, decision: 'install' });
  }, 120_000);
  afterAll(() => app.close());

  it('counts registered computers, deriving needed, unknown and not applicable (an update that cannot apply is not unknown)', async () => {
    pcs.a1 = await register(siteA);
    pcs.a2 = await register(siteA);
    pcs.a3 = await register(siteA);
    pcs.b1 = await register(siteB);
    pcs.l1 = await register(siteB, LINUX);

    const group = await app.http.get(`/api/v1/reports/groups/${ROOT}`, { token: admin });
    expect(group.status).toBe(200);
    expect(group.body.computers).toBe(5);
    const row = (id: string) => group.body.updates.find((u: { updateId: string }) => u.updateId === id);
    expect(row(w1)).toMatchObject({ applicableComputers: 4, counts: { needed: 4, notApplicable: 1, unknown: 0 }, compliancePercent: 20 });
    expect(row(lx)).toMatchObject({ applicableComputers: 1, counts: { needed: 1, notApplicable: 4, unknown: 0 } });
    expect(row(w2)).toBeUndefined();
    expect(await updateReport(w2)).toMatchObject({ computers: 5, applicableComputers: 4, counts: { needed: 3, unknown: 1, notApplicable: 1 } });
    await expectExact();
  });

  it('counts stored status events, a reported state winning over the derived one', async () => {
    await stored(pcs.a1, await report(pcs.a1, [{ updateId: w1, state: 'installed' }]));
    await stored(pcs.a2, await report(pcs.a2, [{ updateId: w1, state: 'failed' }]));
    await stored(pcs.b1, await report(pcs.b1, [{ updateId: w1, state: 'not_applicable' }]));
    await stored(pcs.l1, await report(pcs.l1, [{ updateId: lx, state: 'installed' }, { updateId: w1, state: 'not_applicable' }]));
    await stored(pcs.a3, await report(pcs.a3, [{ updateId: w2, state: 'downloaded' }]));
    // a newer report replaces the state it counted
    await stored(pcs.a1, await report(pcs.a1, [{ updateId: w2, state: 'failed' }]));
    await stored(pcs.a1, await report(pcs.a1, [{ updateId: w2, state: 'installed' }]));

    expect(await updateReport(w1)).toMatchObject({
      computers: 5, applicableComputers: 4, counts: { installed: 1, failed: 1, notApplicable: 2, needed: 1, unknown: 0 },
    });
    expect((await updateReport(w2)).counts).toMatchObject({ installed: 1, downloaded: 1, needed: 1, unknown: 1, failed: 0 });
    await expectExact();
  });

  it('follows approvals, declines and removed approvals without touching a counter', async () => {
    await approve(app, admin, { updateId: w2, groupId: ROOT, decision: 'install' });
    await approve(app, admin, { updateId: w1, groupId: siteB, decision: 'decline', reason: 'not for site B' });
    expect((await updateReport(w2)).counts).toMatchObject({ needed: 2, unknown: 0 });
    await expectExact();
    await approve(app, admin, { updateId: w2, groupId: ROOT, decision: 'none' });
    await expectExact();
  });

  it('follows a computer moved to another group, and a group moved in the tree', async () => {
    const moved = await app.http.put(`/api/v1/computers/${pcs.a3.computerId}/group`, { groupId: siteB }, { token: admin });
    expect(moved.status).toBe(200);
    expect((await updateReport(w2, siteB)).counts).toMatchObject({ downloaded: 1, unknown: 1 });
    await expectExact();
    const regroup = await app.http.patch(`/api/v1/groups/${siteB}`, { parentId: ROOT }, { token: admin });
    expect(regroup.status).toBe(200);
    await expectExact();
    expect((await app.http.patch(`/api/v1/groups/${siteB}`, { parentId: region }, { token: admin })).status).toBe(200);
  });

  it('follows a new OS or architecture reported at check-in', async () => {
    const res = await app.http.post('/client/v1/checkin', { inventory: { os: LINUX } }, { token: pcs.a2.token });
    expect(res.status).toBe(200);
    const [{ os_family }] = await app.db.query('SELECT os_family FROM computers WHERE id = $1', [pcs.a2.computerId]);
    expect(os_family).toBe('linux');
    // a2 still reported w1 failed: the report stands; w1 now applies to three computers
    expect(await updateReport(w1)).toMatchObject({ applicableComputers: 3, counts: { failed: 1 } });
    await expectExact();
    expect((await app.http.post('/client/v1/checkin', { inventory: { arch: 'arm64' } }, { token: pcs.a1.token })).status).toBe(200);
    await expectExact();
  });

  it('follows a changed applicability of an update', async () => {
    await app.db.query(`UPDATE updates SET applicability = applicability || '{"arch":["arm64"]}' WHERE update_id = $1`, [w1]);
    expect((await updateReport(w1)).applicableComputers).toBe(1);
    await expectExact();
  });

  it('follows revoked and removed computers', async () => {
    expect((await app.http.delete(`/api/v1/computers/${pcs.b1.computerId}`, { token: admin })).status).toBe(204);
    await expectExact();
    // what the stale-computer clean-up does: the computer goes, its states with it (ON DELETE CASCADE)
    await app.db.query('DELETE FROM computers WHERE id = $1', [pcs.a1.computerId]);
    expect((await updateReport(w2)).computers).toBe(3);
    await expectExact();
  });

  it('stays exact under concurrent status batches, approvals changed and computers moved while reports arrive', async () => {
    const fleet = await Promise.all(Array.from({ length: 12 }, (_, i) => register(i % 2 ? siteA : siteB, i % 3 ? WINDOWS : LINUX)));
    const states = ['installed', 'failed', 'downloaded', 'not_applicable', 'installed_pending_reboot'];
    const lastSeq = new Map<RegisteredComputer, number>();
    const reporting = fleet.flatMap((pc, i) =>
      Array.from({ length: 4 }, async (_, round) => {
        const seq = await report(pc, [w1, w2, lx].map((updateId, k) => ({ updateId, state: states[(i + round + k) % states.length] })));
        lastSeq.set(pc, Math.max(lastSeq.get(pc) ?? 0, seq));
      }),
    );
    const changing = (async () => {
      for (const decision of ['decline', 'install', 'none'] as const) {
        await approve(app, admin, { updateId: w2, groupId: siteB, decision, ...(decision === 'decline' ? { reason: 'test' } : {}) });
        await app.http.put(`/api/v1/computers/${fleet[0].computerId}/group`, { groupId: decision === 'install' ? siteA : siteB }, { token: admin });
        expect((await app.http.get(`/api/v1/reports/groups/${region}`, { token: admin })).status).toBe(200);
      }
    })();
    let reported = false;
    // folds (as several workers would) and a recount while the batches commit
    const folding = (async () => {
      while (!reported) {
        await Promise.all([counters().fold(), counters().fold()]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const recounting = app.http.post('/api/v1/reports/recount', {}, { token: admin });
    await Promise.all([...reporting, changing]);
    expect((await recounting).body).toMatchObject({ differences: 0 });
    reported = true;
    await folding;
    await Promise.all(fleet.map((pc) => stored(pc, lastSeq.get(pc)!)));
    await expectExact();
  });

  it('counts nothing of a batch whose transaction died before commit (a worker crash mid-batch)', async () => {
    const before = await app.db.query(COUNTED_SQL);
    const victim = new Client({ connectionString: app.environment.databaseUrl });
    await victim.connect();
    victim.on('error', () => undefined);
    await victim.query('BEGIN');
    await victim.query(
      `INSERT INTO install_states (computer_id, update_id, revision, state, occurred_at, seq)
       SELECT id, $1, 1, 'installed', now(), 1000000 FROM computers WHERE revoked_at IS NULL
       ON CONFLICT (computer_id, update_id) DO UPDATE SET state = excluded.state, seq = excluded.seq`,
      [lx],
    );
    // inside the batch's transaction the deltas already moved with the states
    const installed = `SELECT coalesce(sum(computers), 0)::int AS n FROM (${COUNTED_SQL}) c WHERE update_id = $1 AND state = 'installed'`;
    const inside = await victim.query(installed, [lx]);
    const [{ n: committed }] = await app.db.query(installed, [lx]);
    expect(inside.rows[0].n).toBeGreaterThan(committed);
    const { rows: [{ pid }] } = await victim.query('SELECT pg_backend_pid() AS pid');
    await app.db.query('SELECT pg_terminate_backend($1)', [pid]);
    await victim.end().catch(() => undefined);
    expect(await app.db.query(COUNTED_SQL)).toEqual(before);
    await expectExact();
  });

  describe('pending deltas, folded by the worker', () => {
    // The worker's fold stopped, so that deltas stay pending until a test folds them.
    beforeAll(() => folder().stop());
    afterAll(() => folder().start());

    /** Status reports of the fleet's first computers, stored: they leave deltas pending. */
    const reportSome = async (round: number) => {
      const fleet = [pcs.a2, pcs.a3, pcs.l1];
      const states = ['installed', 'failed', 'downloaded', 'installed_pending_reboot', 'uninstalled'];
      for (const [i, pc] of fleet.entries()) {
        await stored(pc, await report(pc, [w1, w2, lx].map((updateId, k) => ({ updateId, state: states[(i + k + round) % states.length] }))));
      }
    };

    it('are added to the counters by every report, and a fold changes no report', async () => {
      await reportSome(1);
      expect(await pendingDeltas()).toBeGreaterThan(0);
      await expectReportsEqualScan();
      const reports = await allReports();
      const counted = await app.db.query(COUNTED_SQL);

      const folded = await counters().fold();
      expect(folded.deltas).toBeGreaterThan(0);
      expect(await pendingDeltas()).toBe(0);
      expect(await app.db.query(COUNTED_SQL)).toEqual(counted);
      expect(await allReports()).toEqual(reports);
      await expectExact();
    });

    it('leaves the deltas and the counters as they were when the fold dies before commit (a crash mid-fold)', async () => {
      await reportSome(2);
      const pending = await pendingDeltas();
      expect(pending).toBeGreaterThan(0);
      const counted = await app.db.query(COUNTED_SQL);
      const countersBefore = await app.db.query('SELECT * FROM group_update_state_counts ORDER BY 1, 2, 3, 4');
      const reports = await allReports();

      const victim = new Client({ connectionString: app.environment.databaseUrl });
      await victim.connect();
      victim.on('error', () => undefined);
      await victim.query('BEGIN');
      const [{ deltas }] = (await victim.query(FOLD_SQL)).rows;
      expect(deltas).toBe(pending);
      // inside the fold's transaction, the deltas moved into the counters: the sums are the same
      expect((await victim.query('SELECT count(*)::int AS n FROM group_update_state_deltas')).rows[0].n).toBe(0);
      expect((await victim.query(COUNTED_SQL)).rows).toEqual(counted);
      const { rows: [{ pid }] } = await victim.query('SELECT pg_backend_pid() AS pid');
      await app.db.query('SELECT pg_terminate_backend($1)', [pid]);
      await victim.end().catch(() => undefined);

      expect(await pendingDeltas()).toBe(pending);
      expect(await app.db.query('SELECT * FROM group_update_state_counts ORDER BY 1, 2, 3, 4')).toEqual(countersBefore);
      expect(await allReports()).toEqual(reports);
      await expectReportsEqualScan();
      expect((await counters().fold()).deltas).toBe(pending);
      expect(await allReports()).toEqual(reports);
      await expectExact();
    });

    it('are recounted with their update when its applicability changes, and moved with a computer', async () => {
      await reportSome(3);
      expect(await pendingDeltas()).toBeGreaterThan(0);
      await app.db.query(`UPDATE updates SET applicability = applicability || '{"arch":["x64","arm64"]}' WHERE update_id = $1`, [w2]);
      await expectReportsEqualScan();
      const moved = await app.http.put(`/api/v1/computers/${pcs.a3.computerId}/group`, { groupId: siteA }, { token: admin });
      expect(moved.status).toBe(200);
      await expectReportsEqualScan();
      await counters().fold();
      await expectExact();
    });

    it('are counted in the group a computer move committed while the batch waited for it', async () => {
      const [{ group_id: from }] = await app.db.query('SELECT group_id FROM computers WHERE id = $1', [pcs.a2.computerId]);
      const to = from === siteA ? siteB : siteA;
      const mover = new Client({ connectionString: app.environment.databaseUrl });
      await mover.connect();
      await mover.query('BEGIN');
      await mover.query('UPDATE computers SET group_id = $2 WHERE id = $1', [pcs.a2.computerId, to]);
      const seq = await report(pcs.a2, [{ updateId: w1, state: 'uninstalled' }, { updateId: lx, state: 'downloaded' }]);
      // the worker's batch waits for the computer's row (its share lock) until the move commits
      await eventually(
        () => app.db.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%install_states%'`),
        (rows) => rows.length > 0,
      );
      await mover.query('COMMIT');
      await mover.end();
      await stored(pcs.a2, seq);
      expect((await updateReport(w1, to)).counts.uninstalled).toBeGreaterThan(0);
      await expectReportsEqualScan();
      await counters().fold();
      await expectExact();
    });

    it('are taken by the recount, which counts them as the reports do', async () => {
      await reportSome(4);
      expect(await pendingDeltas()).toBeGreaterThan(0);
      const reports = await allReports();
      const recount = await app.http.post('/api/v1/reports/recount', {}, { token: admin });
      expect(recount.body).toMatchObject({ differences: 0 });
      expect(await pendingDeltas()).toBe(0);
      expect(await allReports()).toEqual(reports);
    });

    it('are folded by migration ComplianceCounterDeltas when undone, and a database with counters is exact from the moment it is migrated', async () => {
      await reportSome(5);
      expect(await pendingDeltas()).toBeGreaterThan(0);
      const counted = await app.db.query(COUNTED_SQL);
      const reports = await allReports();
      const runner = app.db.createQueryRunner();
      await runner.startTransaction();
      await new ComplianceCounterDeltas1765000000000().down(runner);
      // as the counters were before the migration: every pending delta in them
      expect(await runner.query('SELECT * FROM group_update_state_counts WHERE computers <> 0 ORDER BY 1, 2, 3, 4')).toEqual(counted);
      await new ComplianceCounterDeltas1765000000000().up(runner);
      await runner.commitTransaction();
      await runner.release();
      expect(await pendingDeltas()).toBe(0);
      expect(await allReports()).toEqual(reports);
      await reportSome(6);
      expect(await pendingDeltas()).toBeGreaterThan(0);
      await expectExact();
    });
  });

  it('lists computers by OS family and by the state they reported for an update, paged by cursor', async () => {
    const ids = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/computers?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await app.http.get<{ items: { id: string }[]; nextCursor: string | null }>(url, { token: admin });
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((c) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen.sort();
    };
    const sql = async (where: string, params: unknown[]) =>
      (await app.db.query(`SELECT c.id FROM computers c WHERE c.revoked_at IS NULL AND ${where} ORDER BY c.id`, params)).map((r: { id: string }) => r.id);
    expect(await ids('osFamily=linux')).toEqual(await sql(`c.os_family = 'linux'`, []));
    const failedW2 = await sql(`EXISTS (SELECT 1 FROM install_states s WHERE s.computer_id = c.id AND s.update_id = $1 AND s.state = 'failed')`, [w2]);
    expect(failedW2.length).toBeGreaterThan(0);
    expect(await ids(`updateId=${w2}&state=failed`)).toEqual(failedW2);
    expect(await ids(`updateId=${w2}&state=failed&groupId=${siteA}`)).toEqual(
      await sql(`c.group_id = $2 AND EXISTS (SELECT 1 FROM install_states s WHERE s.computer_id = c.id AND s.update_id = $1 AND s.state = 'failed')`, [w2, siteA]),
    );
    expect((await app.http.get('/api/v1/computers?state=failed', { token: admin })).status).toBe(400);
    expect((await app.http.get(`/api/v1/computers?updateId=${w2}&state=broken`, { token: admin })).status).toBe(400);
    expect((await app.http.get('/api/v1/computers?osFamily=Windows%20NT', { token: admin })).status).toBe(400);
  });

  it('is recounted by the maintenance run, which corrects counters written around the triggers and removes stale computers exactly', async () => {
    const [victim] = await app.db.query(`SELECT id FROM computers WHERE revoked_at IS NULL AND EXISTS (SELECT 1 FROM install_states s WHERE s.computer_id = computers.id) LIMIT 1`);
    await app.db.query(`UPDATE computers SET last_seen_at = now() - interval '30 days', registered_at = now() - interval '30 days' WHERE id = $1`, [victim.id]);
    await app.db.query(`UPDATE group_update_state_counts SET computers = computers + 5 WHERE (group_id, update_id, state, applicable) IN
                          (SELECT group_id, update_id, state, applicable FROM group_update_state_counts LIMIT 1)`);
    const config = await app.http.put('/api/v1/maintenance/config', {
      schedule: null, declineSupersededAfterDays: 0, declineExpired: false, removeComputersAfterDays: 7, statusHistoryDays: 0, deleteUnneededContent: false, vacuum: false,
    }, { token: admin });
    expect(config.status).toBe(200);
    const started = await app.http.post('/api/v1/maintenance/runs', undefined, { token: admin });
    expect(started.status).toBe(202);
    const run = await eventually(
      async () => (await app.http.get(`/api/v1/maintenance/runs/${started.body.id}`, { token: admin })).body,
      (r) => r.status === 'succeeded' || r.status === 'failed',
      60_000,
    );
    expect(run.status).toBe('succeeded');
    const tasks = Object.fromEntries(run.tasks.map((t: { task: string; count: number }) => [t.task, t.count]));
    expect(tasks).toMatchObject({ removeStaleComputers: 1, recountCompliance: 1 });
    expect(await app.db.query('SELECT 1 FROM computers WHERE id = $1', [victim.id])).toEqual([]);
    await expectExact();
  });

  it('lets only an admin recount', async () => {
    const users = await app.http.post('/api/v1/users', { username: 'auditor1', password: 'auditor-password-1', role: 'auditor' }, { token: admin });
    expect(users.status).toBe(201);
    const auditor = await app.login('auditor1', 'auditor-password-1');
    expect((await app.http.post('/api/v1/reports/recount', {}, { token: auditor })).status).toBe(403);
    expect((await app.http.post('/api/v1/reports/recount', {})).status).toBe(401);
  });
});
