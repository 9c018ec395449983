import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '../../infra/database/unit-of-work';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceRun } from './maintenance-settings';
import { MaintenanceTask, TaskBatch } from './tasks/maintenance-task';

/** Provider token of the ordered task list (MaintenanceModule builds it from MAINTENANCE_TASK_ORDER). */
export const MAINTENANCE_TASKS = Symbol('MAINTENANCE_TASKS');

export type RunOutcome = 'finished' | 'over' | 'interrupted';

/**
 * Carries out a run, task after task, batch after batch. A transactional task's batch commits
 * together with its progress on the run row, so an attempt that dies (crash, stalled job, database
 * error) is resumed by the next one exactly after the last committed batch, with correct counts.
 */
@Injectable()
export class MaintenanceRunner {
  private readonly logger = new Logger(MaintenanceRunner.name);

  constructor(
    private readonly runs: MaintenanceRunsRepository,
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    @Inject(MAINTENANCE_TASKS) private readonly tasks: MaintenanceTask[],
  ) {}

  /** 'over': the run had already ended; 'interrupted': `signal` stopped it between two batches. */
  async run(runId: string, signal?: AbortSignal): Promise<RunOutcome> {
    const stored = await this.runs.findById(runId);
    if (!stored) return 'over';
    // The settings are frozen in the run, so every attempt finds the same tasks switched on.
    const initial = Object.fromEntries(this.tasks.map((t) => [t.name, { count: 0, done: !t.enabled(stored.settings), enabled: t.enabled(stored.settings) }]));
    const run = await this.runs.startAttempt(runId, initial);
    if (!run) return 'over';
    for (const task of this.tasks) {
      const progress = run.tasks[task.name];
      if (!progress || progress.done) continue;
      let countSoFar = progress.count;
      for (;;) {
        if (signal?.aborted) return 'interrupted';
        const batch = await this.runBatch(run, task, countSoFar);
        countSoFar += batch.count;
        if (batch.done) break;
      }
    }
    await this.runs.finish(runId, { status: 'succeeded' });
    this.logger.log({ runId, tasks: (await this.runs.findById(runId))?.tasks }, 'maintenance run finished');
    return 'finished';
  }

  async fail(runId: string, error: string): Promise<void> {
    await this.runs.finish(runId, { status: 'failed', error });
  }

  /** One batch and its progress, then the batch's after-commit action (offer-version bumps, token evictions). */
  private async runBatch(run: MaintenanceRun, task: MaintenanceTask, countSoFar: number): Promise<TaskBatch> {
    const context = { settings: run.settings, startedAt: run.startedAt!, countSoFar };
    if (!task.transactional) {
      const batch = await task.runBatch(this.dataSource.manager, context);
      await this.runs.recordProgress(this.dataSource.manager, run.id, task.name, batch.count, batch.done);
      await batch.afterCommit?.();
      return batch;
    }
    return this.unitOfWork.run(async (tx) => {
      const batch = await task.runBatch(tx.manager, context);
      await this.runs.recordProgress(tx.manager, run.id, task.name, batch.count, batch.done);
      if (batch.afterCommit) tx.afterCommit(batch.afterCommit);
      return batch;
    });
  }
}
