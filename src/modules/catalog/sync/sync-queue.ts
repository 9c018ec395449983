import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobName, QueueName } from '../../../infra/queue/queue-names';
import { requeueEndedJob } from '../../../infra/queue/requeue-ended-job';

/** Data of a JobName.SyncCatalog job: the id only; the run's state lives in PostgreSQL. */
export interface SyncCatalogJob {
  syncRunId: string;
}

/** The one job scheduler of scheduled syncs: a fixed id, so every process upserts the same one. */
export const SYNC_SCHEDULER_ID = 'scheduled-sync';

/** A run's job id: a run can have one job at a time, however often it is enqueued. */
export const syncRunJobId = (syncRunId: string) => `sync-run-${syncRunId}`;

/** Cron expressions of the sync schedule are read in UTC, whatever the servers' time zone. */
export const SYNC_SCHEDULE_TIME_ZONE = 'UTC';

/** The sync queue as the rest of the sync uses it: run jobs and the schedule. */
@Injectable()
export class SyncQueue {
  private readonly logger = new Logger(SyncQueue.name);

  constructor(@InjectQueue(QueueName.Sync) private readonly queue: Queue) {}

  async enqueueRun(syncRunId: string): Promise<void> {
    await this.queue.add(JobName.SyncCatalog, { syncRunId } satisfies SyncCatalogJob, {
      jobId: syncRunJobId(syncRunId),
      // A retry resumes the run where it stopped; the delays ride out a restarting database.
      attempts: 5,
      backoff: { type: 'exponential', delay: 5000 },
    });
  }

  /**
   * Gives an unfinished run a job again when it has none that will run: Redis lost it, or the
   * job ended (failed, stalled too often) while the run was not over. True when re-enqueued.
   */
  ensureRunJob(syncRunId: string): Promise<boolean> {
    return requeueEndedJob(this.queue, syncRunJobId(syncRunId), () => this.enqueueRun(syncRunId), this.logger);
  }

  /** Registers, changes or (null) removes the scheduled sync. */
  async applySchedule(schedule: string | null): Promise<void> {
    if (schedule === null) {
      await this.queue.removeJobScheduler(SYNC_SCHEDULER_ID);
      return;
    }
    await this.queue.upsertJobScheduler(
      SYNC_SCHEDULER_ID,
      { pattern: schedule, tz: SYNC_SCHEDULE_TIME_ZONE },
      { name: JobName.ScheduledSync, data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 1000 } } },
    );
  }
}
