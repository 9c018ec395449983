import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Classification } from '../update-revision';
import { SyncItemError, SyncRunEntity, SyncRunStatus, SyncTrigger } from './entities/sync-run.entity';
import { UpstreamKind } from './upstreams/upstream-kind';

export interface NewSyncRun {
  trigger: SyncTrigger;
  requestedBy: string | null;
  upstreamKind: UpstreamKind;
  upstreamUrl: string;
  products: string[];
  classifications: Classification[];
}

/** What one committed page adds to its run: absolute figures, plus the item errors to append. */
export interface SyncRunProgress {
  newUpdates: number;
  revisedUpdates: number;
  expiredUpdates: number;
  unchangedUpdates: number;
  itemsProcessed: number;
  itemsFiltered: number;
  pagesProcessed: number;
  itemErrorCount: number;
  /** Appended to the stored list (the caller keeps it under the cap). */
  appendItemErrors: SyncItemError[];
  cursorAfter: string | null;
  nextPage: string | null;
  /** What the upstream's kind reports it fetched (replaces the stored one when given). */
  upstreamLog?: Record<string, unknown>;
}

@Injectable()
export class SyncRunsRepository {
  constructor(@InjectRepository(SyncRunEntity) private readonly runs: Repository<SyncRunEntity>) {}

  /**
   * Queues a run, unless one is already queued or running: the partial unique index decides,
   * so two API replicas asked at once make one run. Null when another run is active.
   */
  async insertQueued(run: NewSyncRun): Promise<SyncRunEntity | null> {
    const rows: { id: string }[] = await this.runs.query(
      `INSERT INTO sync_runs (trigger, status, requested_by, upstream_kind, upstream_url, products, classifications)
       VALUES ($1, 'queued', $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [run.trigger, run.requestedBy, run.upstreamKind, run.upstreamUrl, run.products, run.classifications],
    );
    return rows.length ? this.findById(rows[0].id) : null;
  }

  findById(id: string): Promise<SyncRunEntity | null> {
    return this.runs.findOneBy({ id });
  }

  /** The run with its stored item errors. */
  findByIdWithItemErrors(id: string): Promise<SyncRunEntity | null> {
    return this.runs.createQueryBuilder('r').addSelect('r.itemErrors').addSelect('r.upstreamLog').where('r.id = :id', { id }).getOne();
  }

  findActive(): Promise<SyncRunEntity | null> {
    return this.runs.createQueryBuilder('r').where(`r.status IN ('queued', 'running')`).getOne();
  }

  /** Whether some run was queued or running at `at`. */
  async existsActiveAt(at: Date): Promise<boolean> {
    const [{ active }]: { active: boolean }[] = await this.runs.query(
      `SELECT EXISTS (SELECT 1 FROM sync_runs WHERE queued_at <= $1 AND (finished_at IS NULL OR finished_at > $1)) AS active`,
      [at],
    );
    return active;
  }

  /** Runs not yet over: each must have a live BullMQ job, or be given one again. */
  findUnfinished(): Promise<SyncRunEntity[]> {
    return this.runs.createQueryBuilder('r').where(`r.status IN ('queued', 'running')`).orderBy('r.seq', 'ASC').getMany();
  }

  /** Newest first. `afterSeq`: the `seq` of the last row of the previous page. */
  listPage(limit: number, status?: SyncRunStatus, afterSeq?: string): Promise<SyncRunEntity[]> {
    const query = this.runs.createQueryBuilder('r').orderBy('r.seq', 'DESC').take(limit);
    if (status) query.andWhere('r.status = :status', { status });
    if (afterSeq) query.andWhere('r.seq < :afterSeq', { afterSeq });
    return query.getMany();
  }

  /**
   * Where the previous run from the same upstream left off: its last stored Patchgate cursor
   * (kept even when it failed, since its committed pages stay). Null: start from the beginning.
   */
  async findLastCursor(upstreamKind: UpstreamKind, upstreamUrl: string, exceptRunId: string): Promise<string | null> {
    const rows: { cursor_after: string | null }[] = await this.runs.query(
      `SELECT cursor_after FROM sync_runs
        WHERE upstream_kind = $1 AND upstream_url = $2 AND started_at IS NOT NULL AND id <> $3
        ORDER BY seq DESC LIMIT 1`,
      [upstreamKind, upstreamUrl, exceptRunId],
    );
    return rows[0]?.cursor_after ?? null;
  }

  /** queued -> running, fixing where it starts. False when the run was not queued (any more). */
  async markRunning(id: string, cursorBefore: string | null, firstPage: string): Promise<boolean> {
    const [, affected] = (await this.runs.query(
      `UPDATE sync_runs SET status = 'running', started_at = now(), cursor_before = $2, cursor_after = $2, next_page = $3
        WHERE id = $1 AND status = 'queued'`,
      [id, cursorBefore, firstPage],
    )) as [unknown, number];
    return affected === 1;
  }

  /**
   * Records a committed page on the run, inside the page's transaction: totals, position, item
   * errors, and the state before the run of the updates first seen on this page (one statement).
   * Guarded by the number of pages processed, so a page is committed once: a second process that
   * applied the same page (a job taken over after a lost lock) updates no row and rolls back.
   */
  async recordPage(
    manager: EntityManager,
    id: string,
    pagesBefore: number,
    progress: SyncRunProgress,
    firstSeen: { updateId: string; before: { currentRevision: number; expired: boolean } | null }[],
  ): Promise<boolean> {
    const [, affected] = (await manager.query(
      `WITH first_seen AS (
         INSERT INTO sync_run_updates (sync_run_id, update_id, previous_revision, previously_expired)
         SELECT $1, f.update_id, f.previous_revision, f.previously_expired
           FROM unnest($14::uuid[], $15::int[], $16::boolean[]) AS f(update_id, previous_revision, previously_expired)
         ON CONFLICT DO NOTHING
       )
       UPDATE sync_runs SET
          new_updates = $3, revised_updates = $4, expired_updates = $5, unchanged_updates = $6,
          items_processed = $7, items_filtered = $8, pages_processed = $9, item_error_count = $10,
          item_errors = CASE WHEN $11::jsonb IS NULL THEN item_errors ELSE item_errors || $11::jsonb END,
          cursor_after = $12, next_page = $13, upstream_log = COALESCE($17::jsonb, upstream_log)
        WHERE id = $1 AND status = 'running' AND pages_processed = $2`,
      [
        id,
        pagesBefore,
        progress.newUpdates,
        progress.revisedUpdates,
        progress.expiredUpdates,
        progress.unchangedUpdates,
        progress.itemsProcessed,
        progress.itemsFiltered,
        progress.pagesProcessed,
        progress.itemErrorCount,
        progress.appendItemErrors.length ? JSON.stringify(progress.appendItemErrors) : null,
        progress.cursorAfter,
        progress.nextPage,
        firstSeen.map((f) => f.updateId),
        firstSeen.map((f) => f.before?.currentRevision ?? null),
        firstSeen.map((f) => (f.before ? f.before.expired : null)),
        progress.upstreamLog ? JSON.stringify(progress.upstreamLog) : null,
      ],
    )) as [unknown, number];
    return affected === 1;
  }

  /**
   * Ends a running run. Per-update bookkeeping of unchanged updates goes with it; the rows left
   * in sync_run_updates name the updates the run brought in, revised or expired.
   */
  async finish(
    id: string,
    outcome: { status: Extract<SyncRunStatus, 'succeeded' | 'failed'>; error: string | null; clearCursor?: boolean },
  ): Promise<boolean> {
    return this.runs.manager.transaction(async (manager) => {
      const [, affected] = (await manager.query(
        `UPDATE sync_runs SET status = $2, error = $3, finished_at = now(), next_page = NULL,
                cursor_after = CASE WHEN $4 THEN NULL ELSE cursor_after END
          WHERE id = $1 AND status IN ('queued', 'running')`,
        [id, outcome.status, outcome.error, outcome.clearCursor ?? false],
      )) as [unknown, number];
      if (affected !== 1) return false;
      await manager.query(
        `DELETE FROM sync_run_updates t USING updates u
          WHERE t.sync_run_id = $1 AND u.update_id = t.update_id AND t.previous_revision IS NOT NULL
            AND u.current_revision = t.previous_revision AND (u.state = 'expired') = t.previously_expired`,
        [id],
      );
      return true;
    });
  }
}
