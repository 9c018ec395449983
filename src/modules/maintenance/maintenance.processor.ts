import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { Job, WaitingError } from 'bullmq';
import { HandlesJobs } from '../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { AuditRetention } from '../audit/audit-retention.service';
import { MaintenanceLauncher } from './maintenance-launcher.service';
import { RunMaintenanceJob } from './maintenance-queue';
import { MaintenanceRunner } from './maintenance-runner.service';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';

/**
 * The one consumer of the maintenance queue (a queue has one processor per process), dispatching
 * by job name: maintenance runs, their schedule's ticks, and the audit retention job. Concurrency 1.
 * On shutdown a run stops after its current batch and its job goes back to the queue.
 */
@Processor(QueueName.Maintenance, { concurrency: 1 })
@HandlesJobs(QueueName.Maintenance, JobName.RunMaintenance, JobName.ScheduledMaintenance, JobName.PruneAuditEvents)
export class MaintenanceProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  private readonly shutdown = new AbortController();
  private inProgress: Promise<unknown> | null = null;

  constructor(
    private readonly runner: MaintenanceRunner,
    private readonly launcher: MaintenanceLauncher,
    private readonly runs: MaintenanceRunsRepository,
    private readonly auditRetention: AuditRetention,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    switch (job.name) {
      case JobName.RunMaintenance:
        return this.runMaintenance(job as Job<RunMaintenanceJob>, token);
      case JobName.ScheduledMaintenance:
        return this.scheduledTick();
      case JobName.PruneAuditEvents:
        return this.auditRetention.run();
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.Maintenance}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort();
    await this.inProgress;
  }

  /** A run job that failed for good outside process() (stalled too often) ends its run, so the next one may start. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (job?.name !== JobName.RunMaintenance) return;
    try {
      if ((await job.getState()) !== 'failed') return;
      await this.runner.fail((job.data as RunMaintenanceJob).maintenanceRunId, `the maintenance job failed: ${error.message}`);
    } catch (failure) {
      this.logger.error(`could not record the failure of maintenance job ${job.id}: ${(failure as Error).message}`);
    }
  }

  private async runMaintenance(job: Job<RunMaintenanceJob>, token?: string): Promise<void> {
    const { maintenanceRunId: runId } = job.data;
    const work = this.runner.run(runId, this.shutdown.signal);
    this.inProgress = work.catch(() => undefined);
    try {
      if ((await work) === 'interrupted') {
        this.logger.log(`maintenance run ${runId} paused for shutdown; its job goes back to the queue`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
    } catch (error) {
      if (error instanceof WaitingError) throw error;
      const attempt = job.attemptsMade + 1;
      const message = `attempt ${attempt}: ${(error as Error).message}`;
      this.logger.error(`maintenance run ${runId}, ${(error as Error).stack ?? message}`);
      if (attempt < (job.opts.attempts ?? 1)) {
        // The run stays running; the next attempt continues after the last committed batch.
        await this.runs.recordAttemptError(runId, message);
        throw error;
      }
      await this.runner.fail(runId, `failed after ${attempt} attempts: ${(error as Error).message}`);
    } finally {
      this.inProgress = null;
    }
  }

  /** A tick of the schedule only enqueues a run, unless one is queued or running. */
  private async scheduledTick(): Promise<void> {
    const { run, created } = await this.launcher.launch('scheduled', null);
    if (!created) this.logger.log(`scheduled maintenance skipped: run ${run.id} is ${run.status}`);
  }
}
