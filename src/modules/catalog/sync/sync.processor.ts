import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { Job, WaitingError } from 'bullmq';
import { HandlesJobs } from '../../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../../infra/queue/queue-names';
import { SyncCatalogJob } from './sync-queue';
import { SyncRunLauncher, SyncNotConfiguredError } from './sync-run-launcher.service';
import { SyncRunner } from './sync-runner.service';
import { SyncRunsRepository } from './sync-runs.repository';

/**
 * The sync queue's consumer. Concurrency 1: a worker carries one run at a time (PostgreSQL
 * already allows only one run at all). On shutdown the run in progress stops after its current
 * page and its job goes back to the queue, for this or another worker to continue.
 */
@Processor(QueueName.Sync, { concurrency: 1 })
@HandlesJobs(QueueName.Sync, JobName.SyncCatalog, JobName.ScheduledSync)
export class SyncProcessor extends WorkerHost implements OnModuleDestroy {
  private readonly logger = new Logger(SyncProcessor.name);
  private readonly shutdown = new AbortController();
  private inProgress: Promise<unknown> | null = null;

  constructor(
    private readonly runner: SyncRunner,
    private readonly launcher: SyncRunLauncher,
    private readonly runs: SyncRunsRepository,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<void> {
    switch (job.name) {
      case JobName.SyncCatalog:
        return this.syncCatalog(job as Job<SyncCatalogJob>, token);
      case JobName.ScheduledSync:
        return this.scheduledTick(job);
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.Sync}`);
    }
  }

  /** Before the BullMQ worker closes (it waits for the job in hand): make that job end soon. */
  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort();
    await this.inProgress;
  }

  /** A job that failed for good while its run is unfinished (e.g. stalled too often) ends the run. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (job?.name !== JobName.SyncCatalog) return;
    try {
      if ((await job.getState()) !== 'failed') return;
      await this.runner.failUnfinished((job.data as SyncCatalogJob).syncRunId, `the sync job failed: ${error.message}`);
    } catch (failure) {
      this.logger.error(`could not record the failure of sync job ${job.id}: ${(failure as Error).message}`);
    }
  }

  private async syncCatalog(job: Job<SyncCatalogJob>, token?: string): Promise<void> {
    const { syncRunId } = job.data;
    const work = this.runner.run(syncRunId, this.shutdown.signal);
    this.inProgress = work.catch(() => undefined);
    try {
      if ((await work) === 'interrupted') {
        this.logger.log(`sync run ${syncRunId} paused for shutdown; its job goes back to the queue`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
    } catch (error) {
      if (error instanceof WaitingError) throw error;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.error(`sync run ${syncRunId}, attempt ${job.attemptsMade + 1}: ${(error as Error).stack ?? String(error)}`);
      if (!lastAttempt) throw error;
      await this.runner.failUnfinished(syncRunId, `internal error after ${job.attemptsMade + 1} attempts: ${(error as Error).message}`);
    } finally {
      this.inProgress = null;
    }
  }

  /**
   * A tick of the schedule only enqueues: a scheduled run, unless a run was queued or running
   * when the tick was due (the tick may have waited behind that very run).
   */
  private async scheduledTick(job: Job): Promise<void> {
    const dueAt = new Date((job.opts as { prevMillis?: number }).prevMillis ?? job.timestamp);
    if (await this.runs.existsActiveAt(dueAt)) {
      this.logger.log(`scheduled sync due ${dueAt.toISOString()} skipped: a sync run was in progress`);
      return;
    }
    try {
      const { run, created } = await this.launcher.launch('scheduled', null);
      if (!created) this.logger.log(`scheduled sync skipped: sync run ${run.id} is ${run.status}`);
    } catch (error) {
      if (error instanceof SyncNotConfiguredError) return;
      throw error;
    }
  }
}
