import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ReportedState } from './install-state';

export interface StoredStatusEvent {
  computerId: string;
  updateId: string;
  revision: number;
  state: ReportedState;
  errorCode: string | null;
  message: string | null;
  occurredAt: string;
  seq: number;
  /** when the API accepted the report (ISO 8601); kept with a dead letter */
  receivedAt?: string;
}

/** Why an event was dead-lettered: its update is not in the catalog, or PostgreSQL refused it. */
export type DeadLetterReason = 'unknown_update' | 'refused';

/** JSON text of the event as reported (JSON escapes control characters, so a NUL byte is kept readable). */
const asText = (e: StoredStatusEvent) =>
  JSON.stringify({ updateId: e.updateId, revision: e.revision, state: e.state, errorCode: e.errorCode, message: e.message, occurredAt: e.occurredAt, seq: e.seq });

export const eventKey = (updateId: string, revision: number) => `${updateId.toLowerCase()}#${revision}`;

const columns = (events: StoredStatusEvent[]) => [
  events.map((e) => e.computerId),
  events.map((e) => e.updateId),
  events.map((e) => e.revision),
  events.map((e) => e.state),
  events.map((e) => e.errorCode),
  events.map((e) => e.message),
  events.map((e) => e.occurredAt),
  events.map((e) => e.seq),
];

const UNNEST = `unnest($1::uuid[], $2::uuid[], $3::int[], $4::varchar[], $5::varchar[], $6::text[], $7::timestamptz[], $8::bigint[])
  AS e(computer_id, update_id, revision, state, error_code, message, occurred_at, seq)`;

@Injectable()
export class StatusRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a batch in one transaction: every event into the history, and the newest per
   * (computer, update) into the current state unless a report with a higher seq is already there.
   * Events of updates the catalog does not hold are dead-lettered; events of computers that are not
   * there (deleted) are dropped. Returns how many events the history got, the computers whose state
   * changed, and how many events were dead-lettered as unknown.
   * No foreign key checks each row (migration StatusWritesWithoutRowChecks): the batch's computers
   * are locked `FOR KEY SHARE` first, so a computer cannot be deleted until the batch committed (its
   * delete then takes these rows with it), and one deleted before is not found, so its events are
   * not written.
   * The compliance counters follow install_states in the same transaction (its triggers append the
   * batch's summed changes to group_update_state_deltas, migrations CreateComplianceCounters and
   * ComplianceCounterDeltas), so a batch that fails leaves neither states nor counts behind.
   */
  persist(all: StoredStatusEvent[]): Promise<{ stored: number; changed: string[]; unknown: number }> {
    return this.dataSource.transaction(async (manager) => {
      // In key order, as every batch: two batches wait on each other's computers in one direction only.
      const present = await this.lockComputers(manager, [...new Set(all.map((e) => e.computerId))]);
      // An event for an update (or revision) the catalog does not hold would be stored and never
      // shown: it is dead-lettered instead (the API refuses most of them; see StatusService), whether
      // or not its computer is still there.
      const known = await this.findKnownRevisions(all, manager);
      const unknown = all.filter((e) => !known.has(eventKey(e.updateId, e.revision)));
      if (unknown.length) await this.insertDeadLetters(manager, unknown, 'unknown_update', null);
      const events = all.filter((e) => present.has(e.computerId.toLowerCase()) && known.has(eventKey(e.updateId, e.revision)));
      if (!events.length) return { stored: 0, changed: [], unknown: unknown.length };
      return { ...(await this.persistKnown(manager, events)), unknown: unknown.length };
    });
  }

  /**
   * Locks the computers `ids` that exist `FOR KEY SHARE` (by primary key, in key order) until the
   * transaction ends, and answers them: a writer of install_states or status_events for a computer
   * holds this (migration StatusWritesWithoutRowChecks). A registration, a move or a check-in can go
   * on meanwhile; a delete waits. A computer deleted by a transaction still running is waited for,
   * then not answered.
   */
  async lockComputers(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: { id: string }[] = await manager.query('SELECT id FROM computers WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE', [
      [...new Set(ids.map((id) => id.toLowerCase()))].sort(),
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * The (update, revision) pairs of `events` that the catalog holds (a revision up to the current
   * one), as `eventKey`s: the distinct updates are read by primary key, the pairs checked here.
   */
  async findKnownRevisions(events: { updateId: string; revision: number }[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    if (!events.length) return new Set();
    const current = await this.findCurrentRevisions(
      events.map((e) => e.updateId),
      manager,
    );
    const known = new Set<string>();
    for (const e of events) {
      const revision = current.get(e.updateId.toLowerCase());
      if (revision !== undefined && e.revision <= revision) known.add(eventKey(e.updateId, e.revision));
    }
    return known;
  }

  /** The current revision of each of `updateIds` that the catalog holds, by lower-case update id. */
  async findCurrentRevisions(updateIds: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, number>> {
    const rows: { update_id: string; current_revision: number }[] = await manager.query(
      'SELECT update_id, current_revision FROM updates WHERE update_id = ANY($1::uuid[])',
      [[...new Set(updateIds.map((id) => id.toLowerCase()))]],
    );
    return new Map(rows.map((r) => [r.update_id, r.current_revision]));
  }

  /** Keeps events that cannot be stored (see the status_dead_letters migration). */
  async deadLetter(events: StoredStatusEvent[], reason: DeadLetterReason, error: string | null): Promise<void> {
    await this.insertDeadLetters(this.dataSource.manager, events, reason, error);
  }

  private async insertDeadLetters(manager: EntityManager, events: StoredStatusEvent[], reason: DeadLetterReason, error: string | null): Promise<void> {
    await manager.query(
      `INSERT INTO status_dead_letters (computer_id, reason, error, event, received_at)
       SELECT computer_id, $3, $4, event, received_at FROM unnest($1::uuid[], $2::text[], $5::timestamptz[]) AS d(computer_id, event, received_at)`,
      [events.map((e) => e.computerId), events.map(asText), reason, error?.slice(0, 2000) ?? null, events.map((e) => e.receivedAt ?? null)],
    );
  }

  private async persistKnown(manager: EntityManager, events: StoredStatusEvent[]): Promise<{ stored: number; changed: string[] }> {
    const newest = new Map<string, StoredStatusEvent>();
    for (const event of events) {
      const key = `${event.computerId}/${event.updateId}`;
      const kept = newest.get(key);
      if (!kept || kept.seq < event.seq) newest.set(key, event);
    }
    // Only events of computers locked by persist: no row needs a check.
    await manager.query(`INSERT INTO status_events (computer_id, update_id, revision, state, error_code, message, occurred_at, seq) SELECT e.* FROM ${UNNEST}`, columns(events));
    const changed: { computer_id: string }[] = await manager.query(
      `INSERT INTO install_states (computer_id, update_id, revision, state, error_code, message, occurred_at, seq)
       SELECT e.* FROM ${UNNEST}
       ON CONFLICT (computer_id, update_id) DO UPDATE
         SET revision = excluded.revision, state = excluded.state, error_code = excluded.error_code,
             message = excluded.message, occurred_at = excluded.occurred_at, seq = excluded.seq, received_at = now()
         WHERE install_states.seq < excluded.seq
       RETURNING computer_id`,
      // In key order, so concurrent batches lock the rows they share in the same order.
      columns([...newest.values()].sort((a, b) => (a.computerId < b.computerId ? -1 : a.computerId > b.computerId ? 1 : a.updateId < b.updateId ? -1 : a.updateId > b.updateId ? 1 : 0))),
    );
    return { stored: events.length, changed: [...new Set(changed.map((row) => row.computer_id))] };
  }

  /**
   * Deletes up to `limit` history events received before the cutoff, oldest first; answers how many.
   * By ctid (status_events has no id, migration StatusWritesWithoutRowChecks): events are never
   * updated, and the statement's snapshot keeps the rows it picked where they are until it ends.
   */
  async pruneHistoryBatch(manager: EntityManager, olderThan: Date, limit: number): Promise<number> {
    const [, deleted]: [unknown[], number] = await manager.query(
      `DELETE FROM status_events WHERE ctid = ANY(ARRAY(SELECT ctid FROM status_events WHERE received_at < $1 ORDER BY received_at LIMIT $2))`,
      [olderThan, limit],
    );
    return deleted;
  }
}
