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
}

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
   * The compliance counters follow install_states in the same transaction (its triggers, migration
   * CreateComplianceCounters), so a batch that fails leaves neither states nor counts behind.
   * Events of computers deleted meanwhile are dropped. Returns how many events the history got and
   * the computers whose state changed.
   */
  persist(events: StoredStatusEvent[]): Promise<{ stored: number; changed: string[] }> {
    const newest = new Map<string, StoredStatusEvent>();
    for (const event of events) {
      const key = `${event.computerId}/${event.updateId}`;
      const kept = newest.get(key);
      if (!kept || kept.seq < event.seq) newest.set(key, event);
    }
    return this.dataSource.transaction(async (manager) => {
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
    });
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
