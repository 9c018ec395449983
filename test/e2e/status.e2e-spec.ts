import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { JobName, QueueName } from '../../src/infra/queue/queue-names';
import { DpkgInventoryRepository } from '../../src/modules/dpkg-inventory/dpkg-inventory.repository';
import { registerComputer, RegisteredComputer } from '../factories/computers.factory';
import { insertUpdate } from '../factories/updates.factory';
import { eventually } from '../support/eventually';
import { sample, scrapeMetrics } from '../support/prometheus';
import { openQueue } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const event = (updateId: string, seq: number, extra: Record<string, unknown> = {}) => ({
  updateId,
  revision: 1,
  state: 'installed',
  occurredAt: new Date().toISOString(),
  seq,
  ...extra,
});

describe('status reports', () => {
  let app: TestApp;
  let admin: string;
  let pc: RegisteredComputer;
  let queue: Queue;

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    pc = await registerComputer(app, admin);
    queue = openQueue(app, QueueName.StatusIngest);
  });
  afterAll(async () => {
    await queue.close();
    await app.close();
  });

  const installStates = async (computerId: string): Promise<Record<string, string>> => {
    const rows: { update_id: string; state: string }[] = await app.db.query('SELECT update_id, state FROM install_states WHERE computer_id = $1', [computerId]);
    return Object.fromEntries(rows.map((r) => [r.update_id, r.state]));
  };

  describe('validation at the API (a value PostgreSQL would refuse is a 400, never a failed batch later)', () => {
    it('refuses control characters in the message, NUL included, naming the event', async () => {
      const updateId = await insertUpdate(app.db);
      for (const message of ['bad\u0000byte', 'bell\u0007', 'escape \u001b[31m']) {
        const res = await app.http.post('/client/v1/status', { events: [event(updateId, 1), event(updateId, 2, { message })] }, { token: pc.token });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.errors).toEqual([{ field: 'events.1.message', message: 'message must not contain control characters' }]);
      }
      const multiLine = await app.http.post('/client/v1/status', { events: [event(updateId, 3, { state: 'failed', errorCode: '0x80070005', message: 'line 1\n\tline 2\r\n' })] }, { token: pc.token });
      expect(multiLine.status).toBe(202);
      expect(multiLine.body).toEqual({ accepted: 1, rejected: [] });
    });

    it('accepts only timestamps PostgreSQL reads as meant: seconds, an offset, years 0001-9999', async () => {
      const updateId = await insertUpdate(app.db);
      const refused = [
        '0000-01-01T00:00:00Z', // PostgreSQL has no year 0
        '+275760-09-13T00:00:00Z',
        '10000-01-01T00:00:00Z',
        '2026-W48-1',
        '2026-330',
        '2026-11-22',
        '2026-11-22T10:00:00', // no offset: read in the server's zone
        '2026-02-30T10:00:00Z',
        '2026-11-22T10:00:00.1234567Z', // finer than PostgreSQL's microseconds
        `2026-11-22T10:00:00${'0'.repeat(40_000)}Z`,
      ];
      for (const occurredAt of refused) {
        const res = await app.http.post('/client/v1/status', { events: [event(updateId, 1, { occurredAt })] }, { token: pc.token });
        expect({ occurredAt: occurredAt.slice(0, 40), status: res.status }).toEqual({ occurredAt: occurredAt.slice(0, 40), status: 400 });
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['events.0.occurredAt']);
      }
      const accepted = ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999+14:00', '2026-11-22T10:00:00.123Z', '2026-11-22T10:00:00-05:30'];
      for (const [i, occurredAt] of accepted.entries()) {
        const res = await app.http.post('/client/v1/status', { events: [event(updateId, 10 + i, { occurredAt })] }, { token: pc.token });
        expect({ occurredAt, status: res.status }).toEqual({ occurredAt, status: 202 });
      }
      await eventually(() => app.db.query('SELECT seq FROM status_events WHERE update_id = $1', [updateId]), (rows) => rows.length === accepted.length);
    });
  });

  describe('events for updates the catalog does not hold', () => {
    it('are not accepted: the 202 lists them as rejected, with their index, and counts only the rest', async () => {
      const known = await insertUpdate(app.db);
      const unknown = randomUUID();
      const before = await scrapeMetrics(app.http.baseUrl);
      const res = await app.http.post(
        '/client/v1/status',
        { events: [event(unknown, 1), event(known, 2), event(known, 3, { revision: 2 })] },
        { token: pc.token },
      );
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        accepted: 1,
        rejected: [
          { index: 0, updateId: unknown, revision: 1, reason: 'unknown_update' },
          { index: 2, updateId: known, revision: 2, reason: 'unknown_update' },
        ],
      });
      await eventually(() => installStates(pc.computerId), (states) => states[known] === 'installed');
      expect(await app.db.query('SELECT revision, seq FROM status_events WHERE update_id = ANY($1::uuid[])', [[known, unknown]])).toEqual([{ revision: 1, seq: '2' }]);
      const after = await scrapeMetrics(app.http.baseUrl);
      expect(sample(after, 'patchgate_status_events_rejected_total') - sample(before, 'patchgate_status_events_rejected_total')).toBe(2);
      expect(sample(after, 'patchgate_status_events_accepted_total') - sample(before, 'patchgate_status_events_accepted_total')).toBe(1);

      const allUnknown = await app.http.post('/client/v1/status', { events: [event(randomUUID(), 4)] }, { token: pc.token });
      expect(allUnknown.status).toBe(202);
      expect(allUnknown.body).toMatchObject({ accepted: 0, rejected: [{ index: 0, reason: 'unknown_update' }] });
    });

    it('queued unchecked (PostgreSQL was away at the API) are dead-lettered by the worker, never stored as states', async () => {
      const unknown = randomUUID();
      const job = await queue.add(JobName.IngestStatus, { computerId: pc.computerId, receivedAt: new Date().toISOString(), events: [event(unknown, 1)] });
      await eventually(() => job.getState(), (state) => state === 'completed' || state === 'unknown');
      const letters = await app.db.query('SELECT computer_id, reason, event FROM status_dead_letters WHERE event LIKE $1', [`%${unknown}%`]);
      expect(letters).toEqual([{ computer_id: pc.computerId, reason: 'unknown_update', event: expect.stringContaining(`"updateId":"${unknown}"`) }]);
      expect(await app.db.query('SELECT 1 FROM install_states WHERE update_id = $1', [unknown])).toEqual([]);
    });
  });

  describe('in the worker, one bad event cannot fail others', () => {
    it('a NUL byte and a bad occurredAt from computer A do not lose computer B\'s reports in the same batch; the bad events are dead-lettered and counted', async () => {
      const b = await registerComputer(app, admin);
      const [u1, u2, u3, u4] = [await insertUpdate(app.db), await insertUpdate(app.db), await insertUpdate(app.db), await insertUpdate(app.db)];
      const before = await scrapeMetrics(app.http.baseUrl);
      const receivedAt = new Date().toISOString();
      // Straight into the queue, as reports accepted before the API validated strictly would be.
      const jobs = await queue.addBulk([
        { name: JobName.IngestStatus, data: { computerId: pc.computerId, receivedAt, events: [event(u1, 101), event(u2, 102, { message: 'nul\u0000byte' })] } },
        { name: JobName.IngestStatus, data: { computerId: b.computerId, receivedAt, events: [event(u1, 1), event(u2, 2), event(u3, 3)] } },
        { name: JobName.IngestStatus, data: { computerId: pc.computerId, receivedAt, events: [event(u3, 103, { occurredAt: '0000-01-01T00:00:00Z' })] } },
        { name: JobName.IngestStatus, data: { computerId: b.computerId, receivedAt, events: [event(u4, 4)] } },
      ]);
      const states = await eventually(() => Promise.all(jobs.map((j) => j.getState())), (s) => s.every((state) => state === 'completed' || state === 'unknown'), 20_000);
      expect(states.every((s) => s === 'completed' || s === 'unknown')).toBe(true);

      expect(await installStates(b.computerId)).toEqual({ [u1]: 'installed', [u2]: 'installed', [u3]: 'installed', [u4]: 'installed' });
      const a = await installStates(pc.computerId);
      expect(a[u1]).toBe('installed');
      expect(a[u2]).toBeUndefined();
      expect(a[u3]).toBeUndefined();

      const letters: { reason: string; error: string; event: string; received_at: Date }[] = await app.db.query(
        `SELECT reason, error, event, received_at FROM status_dead_letters WHERE computer_id = $1 AND reason = 'refused' ORDER BY id`,
        [pc.computerId],
      );
      expect(letters.map((l) => JSON.parse(l.event).seq).sort()).toEqual([102, 103]);
      expect(letters.find((l) => JSON.parse(l.event).seq === 102)!.event).toContain('nul\\u0000byte');
      expect(letters.every((l) => l.error.length > 0 && l.received_at.toISOString() === receivedAt)).toBe(true);
      const after = await eventually(
        () => scrapeMetrics(app.http.baseUrl),
        (text) => sample(text, 'patchgate_status_events_dead_lettered_total') - sample(before, 'patchgate_status_events_dead_lettered_total') === 2,
      );
      expect(sample(after, 'patchgate_status_events_persisted_total') - sample(before, 'patchgate_status_events_persisted_total')).toBe(5);
    });
  });

  describe('computers deleted (no foreign key checks the rows: the batch locks its computers, a delete trigger takes their rows)', () => {
    const rowsOf = async (computerId: string) => ({
      states: (await app.db.query('SELECT count(*)::int AS n FROM install_states WHERE computer_id = $1', [computerId]))[0].n,
      events: (await app.db.query('SELECT count(*)::int AS n FROM status_events WHERE computer_id = $1', [computerId]))[0].n,
      deadLetters: (await app.db.query('SELECT count(*)::int AS n FROM status_dead_letters WHERE computer_id = $1', [computerId]))[0].n,
    });
    const expectCountersEqualRecount = async () => {
      const recount = await app.http.post('/api/v1/reports/recount', {}, { token: admin });
      expect(recount.status).toBe(200);
      expect(recount.body).toMatchObject({ differences: 0 });
    };

    it('an event for a computer deleted before its batch is not stored nor dead-lettered, and the other computers\' events in the batch are stored', async () => {
      const [gone, kept] = [await registerComputer(app, admin), await registerComputer(app, admin)];
      const [u1, u2] = [await insertUpdate(app.db), await insertUpdate(app.db)];
      await app.db.query('DELETE FROM computers WHERE id = $1', [gone.computerId]);
      const before = await scrapeMetrics(app.http.baseUrl);
      const receivedAt = new Date().toISOString();
      // Straight into the queue, as a report accepted just before its computer was deleted.
      const jobs = await queue.addBulk([
        { name: JobName.IngestStatus, data: { computerId: gone.computerId, receivedAt, events: [event(u1, 1), event(u2, 2, { state: 'failed' })] } },
        { name: JobName.IngestStatus, data: { computerId: kept.computerId, receivedAt, events: [event(u1, 1), event(u2, 2)] } },
      ]);
      const states = await eventually(() => Promise.all(jobs.map((j) => j.getState())), (s) => s.every((state) => state === 'completed' || state === 'unknown'), 20_000);
      expect(states.every((s) => s === 'completed' || s === 'unknown')).toBe(true);

      expect(await installStates(kept.computerId)).toEqual({ [u1]: 'installed', [u2]: 'installed' });
      expect(await rowsOf(gone.computerId)).toEqual({ states: 0, events: 0, deadLetters: 0 });
      const after = await eventually(
        () => scrapeMetrics(app.http.baseUrl),
        (text) => sample(text, 'patchgate_status_events_persisted_total') - sample(before, 'patchgate_status_events_persisted_total') === 2,
      );
      expect(sample(after, 'patchgate_status_events_dead_lettered_total') - sample(before, 'patchgate_status_events_dead_lettered_total')).toBe(0);
      await expectCountersEqualRecount();
    });

    it('a computer deleted after its states were stored takes its states and history with it, and the counters equal a recount', async () => {
      const [gone, kept] = [await registerComputer(app, admin), await registerComputer(app, admin)];
      const [u1, u2] = [await insertUpdate(app.db), await insertUpdate(app.db)];
      for (const computer of [gone, kept]) {
        const res = await app.http.post('/client/v1/status', { events: [event(u1, 1), event(u2, 2, { state: 'failed', errorCode: '0x1' })] }, { token: computer.token });
        expect(res.status).toBe(202);
      }
      await eventually(() => Promise.all([gone, kept].map((c) => installStates(c.computerId))), (all) => all.every((s) => Object.keys(s).length === 2));

      await app.db.query('DELETE FROM computers WHERE id = $1', [gone.computerId]);
      expect(await rowsOf(gone.computerId)).toEqual({ states: 0, events: 0, deadLetters: 0 });
      expect(await rowsOf(kept.computerId)).toEqual({ states: 2, events: 2, deadLetters: 0 });
      await expectCountersEqualRecount();
    });

    it('the dpkg inventory\'s derived states are written only for a computer that is there (locked as a status batch does)', async () => {
      const [gone, kept] = [await registerComputer(app, admin), await registerComputer(app, admin)];
      const updateId = await insertUpdate(app.db);
      await app.db.query('DELETE FROM computers WHERE id = $1', [gone.computerId]);
      const inventories = app.app.get(DpkgInventoryRepository, { strict: false });
      for (const computer of [gone, kept]) await inventories.writeDerivedStates(computer.computerId, [{ updateId, revision: 1, state: 'installed' }]);
      expect(await installStates(gone.computerId)).toEqual({});
      expect(await installStates(kept.computerId)).toEqual({ [updateId]: 'installed' });
      await expectCountersEqualRecount();
    });

    it('a computer deleted while a writer holds it waits for that writer, then takes the rows it committed; the counters equal a recount', async () => {
      const computer = await registerComputer(app, admin);
      const updateId = await insertUpdate(app.db);
      const writer = new Client({ connectionString: app.environment.databaseUrl });
      const deleter = new Client({ connectionString: app.environment.databaseUrl });
      await Promise.all([writer.connect(), deleter.connect()]);
      try {
        // What StatusRepository.persist does: the computer locked FOR KEY SHARE, then its rows written.
        await writer.query('BEGIN');
        expect((await writer.query('SELECT id FROM computers WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE', [[computer.computerId]])).rows).toHaveLength(1);
        await writer.query(`INSERT INTO status_events (computer_id, update_id, revision, state, occurred_at, seq) VALUES ($1, $2, 1, 'installed', now(), 1)`, [
          computer.computerId,
          updateId,
        ]);
        await writer.query(`INSERT INTO install_states (computer_id, update_id, revision, state, occurred_at, seq) VALUES ($1, $2, 1, 'installed', now(), 1)`, [
          computer.computerId,
          updateId,
        ]);
        const [writerPid, deleterPid] = [(await writer.query('SELECT pg_backend_pid() AS pid')).rows[0].pid, (await deleter.query('SELECT pg_backend_pid() AS pid')).rows[0].pid];
        const deleting = deleter.query('DELETE FROM computers WHERE id = $1', [computer.computerId]);
        // The delete waits for the writer's lock.
        await eventually(
          () => app.db.query('SELECT $2::int = ANY(pg_blocking_pids($1::int)) AS blocked', [deleterPid, writerPid]),
          (rows) => rows[0].blocked === true,
        );
        await writer.query('COMMIT');
        expect((await deleting).rowCount).toBe(1);
      } finally {
        await Promise.all([writer.end(), deleter.end()]);
      }
      expect(await rowsOf(computer.computerId)).toEqual({ states: 0, events: 0, deadLetters: 0 });
      await expectCountersEqualRecount();
    });
  });
});
