import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MaintenanceRun, MaintenanceSettings, MaintenanceTrigger, TaskProgress } from './maintenance-settings';

const COLUMNS = `id, seq::text AS seq, trigger, status, requested_by AS "requestedBy", settings, tasks, attempts,
  queued_at AS "queuedAt", started_at AS "startedAt", finished_at AS "finishedAt", error`;

/** The maintenance log, and each run's progress. */
@Injectable()
export class MaintenanceRunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Queues a run unless one is queued or running (the partial unique index decides): null then. */
  async insertQueued(trigger: MaintenanceTrigger, requestedBy: string | null, settings: MaintenanceSettings): Promise<MaintenanceRun | null> {
    const rows: MaintenanceRun[] = await this.dataSource.query(
      `INSERT INTO maintenance_runs (trigger, status, requested_by, settings) VALUES ($1, 'queued', $2, $3)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [trigger, requestedBy, JSON.stringify(settings)],
    );
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<MaintenanceRun | null> {
    const rows: MaintenanceRun[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM maintenance_runs WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Runs not yet over, oldest first (at most one, by the unique index). */
  findUnfinished(): Promise<MaintenanceRun[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM maintenance_runs r WHERE status IN ('queued', 'running') ORDER BY r.seq`);
  }

  /** Newest first; `afterSeq` is the seq of the previous page's last row. */
  listPage(limit: number, afterSeq?: string): Promise<MaintenanceRun[]> {
    return this.dataSource.query(
      // r.seq: the bigint column, not the text `seq` of the select list.
      `SELECT ${COLUMNS} FROM maintenance_runs r WHERE $1::bigint IS NULL OR r.seq < $1::bigint ORDER BY r.seq DESC LIMIT $2`,
      [afterSeq ?? null, limit],
    );
  }

  /**
   * An attempt begins: running, started (the first time only), one more attempt, and a progress
   * entry for each task that has none yet (`initial`; kept ones are not touched). Null when the run is over.
   */
  async startAttempt(id: string, initial: Record<string, TaskProgress>): Promise<MaintenanceRun | null> {
    const [rows]: [MaintenanceRun[], number] = await this.dataSource.query(
      `UPDATE maintenance_runs SET status = 'running', started_at = coalesce(started_at, date_trunc('milliseconds', now())),
              attempts = attempts + 1, tasks = $2::jsonb || tasks
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING ${COLUMNS}`,
      [id, JSON.stringify(initial)],
    );
    return rows[0] ?? null;
  }

  /** Adds a batch's work to its task's progress, in the batch's transaction when `manager` holds one. */
  async recordProgress(manager: EntityManager, id: string, task: string, count: number, done: boolean): Promise<void> {
    await manager.query(
      `UPDATE maintenance_runs
          SET tasks = jsonb_set(tasks, ARRAY[$2::text], tasks->$2 || jsonb_build_object('count', (tasks->$2->>'count')::bigint + $3, 'done', $4::boolean))
        WHERE id = $1`,
      [id, task, count, done],
    );
  }

  /** Keeps why an attempt failed; the run stays running for the next attempt. */
  async recordAttemptError(id: string, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE maintenance_runs SET error = $2 WHERE id = $1`, [id, error]);
  }

  async finish(id: string, outcome: { status: 'succeeded' | 'failed'; error?: string | null }): Promise<void> {
    await this.dataSource.query(
      `UPDATE maintenance_runs SET status = $2, finished_at = now(), error = $3 WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, outcome.status, outcome.error ?? null],
    );
  }
}
