import { randomBytes } from 'node:crypto';
import { Role } from '../../src/common/auth/role';
import { entryHash, GENESIS_HASH } from '../../src/modules/approval-log/approval-log-entry';
import { AUDIT_RETENTION_SCHEDULER_ID, AuditRetention } from '../../src/modules/audit/audit-retention.service';
import { ALL_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { approve } from '../factories/approvals.factory';
import { createGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { userWithRole } from '../factories/users.factory';
import { csvRecords } from '../support/csv';
import { eventually } from '../support/eventually';
import { startTestApp, TestApp } from '../support/test-app';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QueueName } from '../../src/infra/queue/queue-names';

/** An export's raw answer (the JSON client would try to parse NDJSON as one document). */
async function download(app: TestApp, path: string, token: string) {
  const res = await fetch(`${app.http.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

interface EventRow {
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  result: string;
  status_code: number | null;
  client_ip: string | null;
  request_id: string | null;
  summary: Record<string, unknown> | null;
}

describe('audit', () => {
  let app: TestApp;
  let admin: string;
  let auditor: { username: string; token: string };
  let approver: { username: string; token: string };

  const eventsWhere = (sql: string, params: unknown[] = []): Promise<EventRow[]> => app.db.query(`SELECT * FROM audit_events WHERE ${sql} ORDER BY id`, params);
  const oneEvent = async (sql: string, params: unknown[] = []): Promise<EventRow> => {
    const [row] = await eventually(() => eventsWhere(sql, params), (rows) => rows.length === 1);
    return row;
  };

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true, env: { PATCHGATE_AUDIT_EVENT_RETENTION_DAYS: '30' } });
    admin = await app.login();
    auditor = await userWithRole(app, Role.Auditor, admin);
    approver = await userWithRole(app, Role.Approver, admin);
  });
  afterAll(() => app.close());

  describe('admin events', () => {
    it('a successful admin action is recorded with its actor, route pattern, target and summary', async () => {
      const requestId = `req-${randomBytes(4).toString('hex')}`;
      const res = await app.http.post('/api/v1/groups', { name: 'Audited ring' }, { token: admin, headers: { 'x-request-id': requestId } });
      expect(res.status).toBe(201);
      const event = await oneEvent('request_id = $1', [requestId]);
      expect(event).toMatchObject({
        actor_type: 'user',
        actor_name: 'admin',
        actor_role: 'admin',
        action: 'POST /api/v1/groups',
        target_type: 'group',
        target_id: res.body.id,
        result: 'success',
        status_code: 201,
        client_ip: '127.0.0.1',
        summary: { name: 'Audited ring' },
      });

      const renamed = `rid-${randomBytes(4).toString('hex')}`;
      expect((await app.http.patch(`/api/v1/groups/${res.body.id}`, { name: 'Audited ring 2' }, { token: admin, headers: { 'x-request-id': renamed } })).status).toBe(200);
      expect(await oneEvent('request_id = $1', [renamed])).toMatchObject({ action: 'PATCH /api/v1/groups/:id', target_id: res.body.id, result: 'success' });
    });

    it('never stores a password: creating a user keeps only the redacted field', async () => {
      const password = `secret-${randomBytes(12).toString('hex')}`;
      const username = `carol-${randomBytes(3).toString('hex')}`;
      const res = await app.http.post('/api/v1/users', { username, password, role: 'approver' }, { token: admin });
      expect(res.status).toBe(201);
      const event = await oneEvent(`action = 'POST /api/v1/users' AND summary->>'username' = $1`, [username]);
      expect(event.summary).toEqual({ username, password: '[redacted]', role: 'approver' });
      const [{ hits }] = await app.db.query(`SELECT count(*)::int AS hits FROM audit_events WHERE summary::text LIKE $1`, [`%${password}%`]);
      expect(hits).toBe(0);
    });

    it('an approval denied to an auditor is recorded as denied, with the auditor as actor', async () => {
      const updateId = await insertUpdate(app.db);
      const res = await app.http.put('/api/v1/approvals', { updateId, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' }, { token: auditor.token });
      expect(res.status).toBe(403);
      const event = await oneEvent(`action = 'PUT /api/v1/approvals' AND actor_name = $1`, [auditor.username]);
      expect(event).toMatchObject({ actor_type: 'user', actor_role: 'auditor', result: 'denied', status_code: 403, target_type: 'approval' });
      expect(event.summary).toMatchObject({ updateId, decision: 'install' });
    });

    it('auditors read but never write: every write is a 403, and recorded', async () => {
      expect((await app.http.post('/api/v1/groups', { name: 'nope' }, { token: auditor.token })).status).toBe(403);
      expect((await app.http.post('/api/v1/users', { username: 'x', password: 'y'.repeat(12), role: 'admin' }, { token: auditor.token })).status).toBe(403);
      const rows = await eventually(() => eventsWhere(`actor_name = $1 AND result = 'denied' AND action IN ('POST /api/v1/groups', 'POST /api/v1/users')`, [auditor.username]), (r) => r.length === 2);
      expect(JSON.stringify(rows)).not.toContain('y'.repeat(12));
    });

    it('a failed login is recorded as failed, for the name tried, without the password', async () => {
      const tried = `mallory-${randomBytes(3).toString('hex')}`;
      expect((await app.http.post('/api/v1/auth/login', { username: tried, password: 'guess-guess-guess' })).status).toBe(401);
      const event = await oneEvent('actor_name = $1', [tried]);
      expect(event).toMatchObject({ actor_type: 'anonymous', actor_id: null, action: 'POST /api/v1/auth/login', result: 'failed', status_code: 401, summary: { username: tried } });
      expect(JSON.stringify(event)).not.toContain('guess-guess-guess');
    });

    it('a call without a valid token is recorded as denied, anonymous', async () => {
      const requestId = `anon-${randomBytes(4).toString('hex')}`;
      expect((await app.http.delete(`/api/v1/groups/${ALL_COMPUTERS_GROUP_ID}`, { token: 'not-a-token', headers: { 'x-request-id': requestId } })).status).toBe(401);
      expect(await oneEvent('request_id = $1', [requestId])).toMatchObject({ actor_type: 'anonymous', action: 'DELETE /api/v1/groups/:id', target_id: ALL_COMPUTERS_GROUP_ID, result: 'denied', status_code: 401 });
    });

    it('a refused admin action is recorded as failed with the reason', async () => {
      const requestId = `fail-${randomBytes(4).toString('hex')}`;
      const res = await app.http.delete(`/api/v1/groups/${ALL_COMPUTERS_GROUP_ID}`, { token: admin, headers: { 'x-request-id': requestId } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      const event = await oneEvent('request_id = $1', [requestId]);
      expect(event).toMatchObject({ actor_name: 'admin', result: 'failed', status_code: res.status });
      expect(typeof event.summary?.error).toBe('string');
    });

    it('a denied read of an authenticated route is recorded too; successful reads are not', async () => {
      expect((await app.http.get('/api/v1/audit/events', { token: approver.token })).status).toBe(403);
      await oneEvent(`actor_name = $1 AND action = 'GET /api/v1/audit/events'`, [approver.username]);
      expect((await app.http.get('/api/v1/groups', { token: admin })).status).toBe(200);
      expect(await eventsWhere(`action = 'GET /api/v1/groups'`)).toEqual([]);
    });
  });

  describe('reading the events', () => {
    it('pages with a cursor and filters by actor, action, target and result', async () => {
      const seen: string[] = [];
      let cursor: string | null = null as string | null;
      do {
        const res = await app.http.get(`/api/v1/audit/events?limit=2&result=denied${cursor ? `&cursor=${cursor}` : ''}`, { token: auditor.token });
        expect(res.status).toBe(200);
        for (const item of res.body.items) {
          expect(item.result).toBe('denied');
          seen.push(item.id);
        }
        cursor = res.body.nextCursor;
      } while (cursor);
      const [{ denied }] = await app.db.query(`SELECT count(*)::int AS denied FROM audit_events WHERE result = 'denied'`);
      expect(seen).toHaveLength(denied);
      expect(new Set(seen).size).toBe(denied);

      const byActor = await app.http.get(`/api/v1/audit/events?actor=${auditor.username.toUpperCase()}&action=${encodeURIComponent('PUT /api/v1/approvals')}`, { token: auditor.token });
      expect(byActor.body.items).toHaveLength(1);
      expect(byActor.body.items[0]).toMatchObject({ actorName: auditor.username, action: 'PUT /api/v1/approvals', result: 'denied', actorRole: 'auditor' });

      const groups = await app.http.get('/api/v1/audit/events?targetType=group&result=success&order=desc', { token: admin });
      expect(groups.body.items.map((i: { action: string }) => i.action)).toEqual(['PATCH /api/v1/groups/:id', 'POST /api/v1/groups']);
      const future = await app.http.get(`/api/v1/audit/events?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, { token: admin });
      expect(future.body).toEqual({ items: [], nextCursor: null });
      expect((await app.http.get('/api/v1/audit/events?cursor=garbage', { token: admin })).status).toBe(400);
      expect((await app.http.get('/api/v1/audit/events?result=maybe', { token: admin })).status).toBe(400);
    });
  });

  describe('exports', () => {
    const nasty = '=HYPERLINK("http://evil","click"), then "quotes",\ncommas and a newline';

    beforeAll(async () => {
      const group = await createGroup(app, admin, { name: `ring-${randomBytes(3).toString('hex')}` });
      const updateId = await insertUpdate(app.db);
      await approve(app, admin, { updateId, groupId: group.id, decision: 'install' });
      await approve(app, admin, { updateId, groupId: group.id, decision: 'decline', reason: nasty });
      await approve(app, admin, { updateId, groupId: group.id, decision: 'none', reason: '+1 from @ops\tand -more' });
    });

    it('exports the approval log as CSV: header row, correct quoting, formulas neutralised', async () => {
      const res = await download(app, '/api/v1/audit/approvals?format=csv', auditor.token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="patchgate-approvals-\d{8}T\d{6}Z\.csv"$/);
      const records = csvRecords(res.text);
      const [{ total }] = await app.db.query('SELECT count(*)::int AS total FROM approval_log');
      expect(records).toHaveLength(total);
      expect(Object.keys(records[0])).toEqual(expect.arrayContaining(['seq', 'at', 'actorName', 'updateId', 'groupId', 'newDecision', 'reason', 'hash']));
      const reasons = records.map((r) => r.reason);
      expect(reasons).toContain(`'${nasty}`);
      expect(reasons).toContain("'+1 from @ops\tand -more");
      expect(records.find((r) => r.reason === `'${nasty}`)).toMatchObject({ newDecision: 'decline', actorName: 'admin' });
    });

    it('exports the approval log as NDJSON: every line parses, values unaltered', async () => {
      const res = await download(app, '/api/v1/audit/approvals?format=ndjson&order=desc', auditor.token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-ndjson');
      expect(res.headers.get('content-disposition')).toMatch(/filename="patchgate-approvals-\d{8}T\d{6}Z\.ndjson"/);
      const lines = res.text.split('\n');
      expect(lines.pop()).toBe('');
      const entries = lines.map((line) => JSON.parse(line));
      expect(entries[0].seq).toBeGreaterThan(entries[entries.length - 1].seq);
      expect(entries.map((e) => e.reason)).toContain(nasty);
    });

    it('an exported approval log is enough to verify the chain, and shows a row altered through SQL', async () => {
      const chainOk = async () => {
        const res = await download(app, '/api/v1/audit/approvals?format=ndjson', auditor.token);
        let prev = GENESIS_HASH;
        for (const line of res.text.trim().split('\n')) {
          const e = JSON.parse(line);
          const recomputed = entryHash(prev, { ...e, at: new Date(e.at), deadline: e.deadline ? new Date(e.deadline) : null });
          if (e.prevHash !== prev || recomputed !== e.hash) return { ok: false, brokenSeq: e.seq as number };
          prev = e.hash;
        }
        return { ok: true, brokenSeq: null };
      };
      expect(await chainOk()).toEqual({ ok: true, brokenSeq: null });
      const head = await app.http.get('/api/v1/audit/approvals/head', { token: auditor.token });
      const [last] = await app.db.query('SELECT seq, hash FROM approval_log ORDER BY seq DESC LIMIT 1');
      expect(head.body).toMatchObject({ seq: Number(last.seq), hash: last.hash });

      await app.db.transaction(async (manager) => {
        await manager.query('SET LOCAL session_replication_role = replica');
        await manager.query(`UPDATE approval_log SET reason = 'innocent' WHERE seq = 2`);
      });
      expect(await chainOk()).toEqual({ ok: false, brokenSeq: 2 });
      expect((await app.http.get('/api/v1/audit/verify', { token: auditor.token })).body).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    });

    it('exports the events as CSV and NDJSON, filtered, with secrets kept out', async () => {
      const csv = await download(app, `/api/v1/audit/events?format=csv&actor=admin&result=success`, auditor.token);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-disposition')).toMatch(/filename="patchgate-events-\d{8}T\d{6}Z\.csv"/);
      const records = csvRecords(csv.text);
      expect(records.length).toBeGreaterThan(3);
      expect(records.every((r) => r.actorName === 'admin' && r.result === 'success')).toBe(true);
      const group = records.find((r) => r.action === 'POST /api/v1/groups' && r.summary.includes('Audited ring'));
      expect(JSON.parse(group!.summary)).toEqual({ name: 'Audited ring' });

      const ndjson = await download(app, '/api/v1/audit/events?format=ndjson', auditor.token);
      const lines = ndjson.text.trim().split('\n').map((line) => JSON.parse(line));
      const [{ total }] = await app.db.query('SELECT count(*)::int AS total FROM audit_events');
      expect(lines.length).toBeGreaterThanOrEqual(total - 1); // the export's own read is not an event
      expect(lines.every((e) => typeof e.action === 'string' && ['success', 'denied', 'failed'].includes(e.result))).toBe(true);
    });

    it('reads and exports the sync log, filtered by status and time', async () => {
      await app.db.query(
        `INSERT INTO sync_runs (trigger, status, upstream_kind, upstream_url, queued_at, started_at, finished_at, new_updates, error)
         VALUES ('scheduled', 'succeeded', 'feed', 'file:///feed.json', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-01-01T00:01:00Z', 12, NULL),
                ('manual', 'failed', 'feed', 'file:///feed.json', '2026-01-02T00:00:00Z', '2026-01-02T00:00:01Z', '2026-01-02T00:00:05Z', 0, '-upstream said "no", then hung up')`,
      );
      const page = await app.http.get('/api/v1/audit/sync-runs?status=failed', { token: auditor.token });
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0]).toMatchObject({ trigger: 'manual', status: 'failed', error: '-upstream said "no", then hung up', queuedAt: '2026-01-02T00:00:00.000Z' });

      const ranged = await app.http.get(`/api/v1/audit/sync-runs?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&limit=1`, { token: auditor.token });
      expect(ranged.body.items.map((r: { newUpdates: number }) => r.newUpdates)).toEqual([12]);

      const csv = await download(app, '/api/v1/audit/sync-runs?format=csv&from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z', auditor.token);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toMatch(/filename="patchgate-sync-runs-\d{8}T\d{6}Z\.csv"/);
      const rows = csvRecords(csv.text);
      expect(rows.map((r) => r.status)).toEqual(['succeeded', 'failed']);
      expect(rows[1].error).toBe(`'-upstream said "no", then hung up`);

      const ndjson = await download(app, '/api/v1/audit/sync-runs?format=ndjson&status=succeeded', auditor.token);
      expect(ndjson.text.trim().split('\n').map((l) => JSON.parse(l).newUpdates)).toEqual([12]);
    });

    it('an empty selection exports a header row only', async () => {
      const csv = await download(app, '/api/v1/audit/events?format=csv&action=nothing', auditor.token);
      expect(csv.text.trim().split('\n')).toHaveLength(1);
      expect(csv.text.startsWith('id,at,actorType')).toBe(true);
    });

    it('only admins and auditors read the logs', async () => {
      for (const path of ['/api/v1/audit/approvals', '/api/v1/audit/sync-runs', '/api/v1/audit/events?format=csv']) {
        expect((await app.http.get(path, { token: approver.token })).status).toBe(403);
        expect((await app.http.get(path)).status).toBe(401);
        expect((await app.http.get(path, { token: auditor.token })).status).toBe(200);
      }
    });
  });

  describe('retention', () => {
    it('the daily job prunes events past the retention and records that it did', async () => {
      await app.db.query(
        `INSERT INTO audit_events (at, actor_type, action, result) SELECT now() - interval '40 days', 'anonymous', 'old', 'success' FROM generate_series(1, 12)`,
      );
      const retention = app.worker!.get(AuditRetention, { strict: false });
      const outcome = await retention.run();
      expect(outcome.deleted).toBe(12);
      expect(await eventsWhere(`action = 'old'`)).toEqual([]);
      expect((await eventsWhere(`action = 'POST /api/v1/groups'`)).length).toBeGreaterThan(0);
      const event = await oneEvent(`action = 'job prune-audit-events'`);
      expect(event).toMatchObject({ actor_type: 'system', result: 'success', summary: { deleted: 12, retentionDays: 30 } });
      const queue = app.worker!.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
      expect(await queue.getJobScheduler(AUDIT_RETENTION_SCHEDULER_ID)).toMatchObject({ pattern: '41 3 * * *' });
    });

    it('the daily job stores a signed checkpoint of the approval log head', async () => {
      const [head] = await app.db.query('SELECT seq::int AS seq, hash FROM approval_log ORDER BY seq DESC LIMIT 1');
      await app.worker!.get(AuditRetention, { strict: false }).run();
      const checkpoints = (await app.http.get('/api/v1/audit/approvals/checkpoints', { token: auditor.token })).body as { seq: number; hash: string; reason: string }[];
      expect(checkpoints.at(-1)).toMatchObject({ seq: head?.seq ?? 0, hash: head?.hash ?? '0'.repeat(64), reason: 'daily' });
    });
  });
  describe('events and the changes they record', () => {
    it('writes the event of a change inside the transaction of the change', async () => {
      const group = await createGroup(app, admin, { name: `tx-${randomBytes(3).toString('hex')}` });
      const renameId = `req-${randomBytes(4).toString('hex')}`;
      const renamed = await app.http.patch(`/api/v1/groups/${group.id}`, { name: `${group.name}-renamed` }, { token: admin, headers: { 'x-request-id': renameId } });
      expect(renamed.status).toBe(200);
      // Rows written by one transaction carry its id in xmin.
      const [{ xmin: groupTx }] = await app.db.query('SELECT xmin::text FROM computer_groups WHERE id = $1', [group.id]);
      expect((await oneEvent('request_id = $1', [renameId])).result).toBe('success');
      const [{ xmin: renameEventTx }] = await app.db.query('SELECT xmin::text FROM audit_events WHERE request_id = $1', [renameId]);
      expect(renameEventTx).toBe(groupTx);

      const updateId = await insertUpdate(app.db);
      const approveId = `req-${randomBytes(4).toString('hex')}`;
      const approved = await app.http.put('/api/v1/approvals', { updateId, groupId: group.id, decision: 'install' }, { token: admin, headers: { 'x-request-id': approveId } });
      expect(approved.status).toBe(200);
      const [{ xmin: approvalTx }] = await app.db.query('SELECT xmin::text FROM approvals WHERE update_id = $1 AND group_id = $2', [updateId, group.id]);
      const [{ xmin: logTx }] = await app.db.query('SELECT xmin::text FROM approval_log WHERE update_id = $1 AND group_id = $2', [updateId, group.id]);
      const [{ xmin: approveEventTx }] = await app.db.query('SELECT xmin::text FROM audit_events WHERE request_id = $1', [approveId]);
      expect([logTx, approveEventTx]).toEqual([approvalTx, approvalTx]);
    });

    it('records a change rolled back in its transaction once, as failed, never as success', async () => {
      const group = await createGroup(app, admin, { name: `rb-${randomBytes(3).toString('hex')}` });
      const updateId = await insertUpdate(app.db);
      const requestId = `req-${randomBytes(4).toString('hex')}`;
      const res = await app.http.post(
        '/api/v1/approvals/bulk',
        { items: [{ updateId, groupId: group.id, decision: 'install' }, { updateId: '6f1f8a52-4b7e-4d3c-9a55-000000000001', groupId: group.id, decision: 'install' }] },
        { token: admin, headers: { 'x-request-id': requestId } },
      );
      expect(res.status).toBe(404);
      expect(await app.db.query('SELECT 1 FROM approvals WHERE update_id = $1', [updateId])).toEqual([]);
      const events = await eventually(() => eventsWhere('request_id = $1', [requestId]), (rows) => rows.length > 0);
      expect(events.map((e) => e.result)).toEqual(['failed']);
    });
  });
});
