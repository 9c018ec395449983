import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface LastSyncRun {
  status: string;
  durationSeconds: number;
  newUpdates: number;
  revisedUpdates: number;
  expiredUpdates: number;
  unchangedUpdates: number;
}

/** Scrape-time reads: small tables, or counts on indexed columns. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Sync runs by status (one row per run: a small table). */
  async syncRunsByStatus(): Promise<{ status: string; runs: number }[]> {
    return this.dataSource.query('SELECT status, count(*)::int AS runs FROM sync_runs GROUP BY status');
  }

  async lastFinishedSyncRun(): Promise<LastSyncRun | null> {
    const rows: LastSyncRun[] = await this.dataSource.query(
      `SELECT status, extract(epoch FROM finished_at - coalesce(started_at, queued_at))::float8 AS "durationSeconds",
              new_updates AS "newUpdates", revised_updates AS "revisedUpdates", expired_updates AS "expiredUpdates", unchanged_updates AS "unchangedUpdates"
         FROM sync_runs WHERE status IN ('succeeded', 'failed') ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0] ?? null;
  }

  /** Seconds since the epoch when a run of `table` last succeeded, or null. */
  async lastSuccessAt(table: 'sync_runs' | 'maintenance_runs'): Promise<number | null> {
    const rows: { at: number }[] = await this.dataSource.query(
      `SELECT extract(epoch FROM finished_at)::float8 AS at FROM ${table} WHERE status = 'succeeded' ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0]?.at ?? null;
  }

  /** Computers in service, fresh or stale (no contact for `staleAfterDays`); on the last-contact index. */
  async computersByStaleness(staleAfterDays: number): Promise<{ fresh: number; stale: number }> {
    const [row]: { fresh: number; stale: number }[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE coalesce(last_seen_at, registered_at) >= now() - make_interval(days => $1))::int AS fresh,
              count(*) FILTER (WHERE coalesce(last_seen_at, registered_at) < now() - make_interval(days => $1))::int AS stale
         FROM computers WHERE revoked_at IS NULL`,
      [staleAfterDays],
    );
    return row;
  }
}
