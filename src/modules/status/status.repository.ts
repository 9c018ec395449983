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
   * Events of computers deleted meanwhile are dropped; events of updates the catalog does not hold
   * are dead-lettered. Returns how many events the history got, the computers whose state changed,
   * and how many events were dead-lettered as unknown.
   * The compliance counters follow install_states in the same transaction (its triggers append the
   * batch's summed changes to group_update_state_deltas, migrations CreateComplianceCounters and
   * ComplianceCounterDeltas), so a batch that fails leaves neither states nor counts behind.
   */
  persist(all: StoredStatusEvent[]): Promise<{ stored: number; changed: string[]; unknown: number }> {
    return this.dataSource.transaction(async (manager) => {
      // An event for an update (or revision) the catalog does not hold would be stored and never
      // shown: it is dead-lettered instead (the API refuses most of them; see StatusService).
      const known = await this.findKnownRevisions(all, manager);
      const events = all.filter((e) => known.has(eventKey(e.updateId, e.revision)));
      const unknown = all.filter((e) => !known.has(eventKey(e.updateId, e.revision)));
      if (unknown.length) await this.insertDeadLetters(manager, unknown, 'unknown_update', null);
      if (!events.length) return { stored: 0, changed: [], unknown: unknown.length };
      return { ...(await this.persistKnown(manager, events)), unknown: unknown.length };
    });
  }

  /** The (update, revision) pairs of `events` that the catalog holds (a revision up to the current one), as `eventKey`s. */
  async findKnownRevisions(events: { updateId: string; revision: number }[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    if (!events.length) return new Set();
    const rows: { update_id: string; revision: number }[] = await manager.query(
      `SELECT DISTINCT e.update_id, e.revision FROM unnest($1::uuid[], $2::int[]) AS e(update_id, revision)
         JOIN updates u ON u.update_id = e.update_id AND e.revision <= u.current_revision`,
      [events.map((e) => e.updateId), events.map((e) => e.revision)],
    );
    return new Set(rows.map((r) => eventKey(r.update_id, r.revision)));
  }

  /** The current revision of each of `updateIds` that the catalog holds, by lower-case update id. */
  async findCurrentRevisions(updateIds: string[]): Promise<Map<string, number>> {
    const rows: { update_id: string; current_revision: number }[] = await this.dataSource.query(
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
    const [{ stored }]: { stored: number }[] = await manager.query(
      `WITH stored AS (
         INSERT INTO status_events (computer_id, update_id, revision, state, error_code, message, occurred_at, seq)
         SELECT e.* FROM ${UNNEST} WHERE EXISTS (SELECT 1 FROM computers c WHERE c.id = e.computer_id) RETURNING 1)
       SELECT count(*)::int AS stored FROM stored`,
      columns(events),
    );
    const changed: { computer_id: string }[] = await manager.query(
      `INSERT INTO install_states (computer_id, update_id, revision, state, error_code, message, occurred_at, seq)
       SELECT e.* FROM ${UNNEST} WHERE EXISTS (SELECT 1 FROM computers c WHERE c.id = e.computer_id)
       ON CONFLICT (computer_id, update_id) DO UPDATE
         SET revision = excluded.revision, state = excluded.state, error_code = excluded.error_code,
             message = excluded.message, occurred_at = excluded.occurred_at, seq = excluded.seq, received_at = now()
         WHERE install_states.seq < excluded.seq
       RETURNING computer_id`,
      // In key order, so concurrent batches lock the rows they share in the same order.
      columns([...newest.values()].sort((a, b) => (a.computerId < b.computerId ? -1 : a.computerId > b.computerId ? 1 : a.updateId < b.updateId ? -1 : a.updateId > b.updateId ? 1 : 0))),
    );
    return { stored, changed: [...new Set(changed.map((row) => row.computer_id))] };
  }

  /** Deletes up to `limit` history events received before the cutoff, oldest first; answers how many. */
  async pruneHistoryBatch(manager: EntityManager, olderThan: Date, limit: number): Promise<number> {
    const [, deleted]: [unknown[], number] = await manager.query(
      `DELETE FROM status_events WHERE id IN (SELECT id FROM status_events WHERE received_at < $1 ORDER BY received_at LIMIT $2)`,
      [olderThan, limit],
    );
    return deleted;
  }
}
