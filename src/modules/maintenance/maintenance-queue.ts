import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { requeueEndedJob } from '../../infra/queue/requeue-ended-job';

/** Data of a JobName.RunMaintenance job: the id only; the run's state lives in PostgreSQL. */
export interface RunMaintenanceJob {
  maintenanceRunId: string;
}

/** The one job scheduler of maintenance runs: a fixed id, so every process upserts the same one. */
export const MAINTENANCE_SCHEDULER_ID = 'scheduled-maintenance';

/** Cron expressions of the maintenance schedule are read in UTC. */
export const MAINTENANCE_SCHEDULE_TIME_ZONE = 'UTC';

export const maintenanceRunJobId = (runId: string) => `maintenance-run-${runId}`;

/** The maintenance queue as runs and the schedule use it. */
@Injectable()
export class MaintenanceQueue {
  private readonly logger = new Logger(MaintenanceQueue.name);

  constructor(@InjectQueue(QueueName.Maintenance) private readonly queue: Queue) {}

  async enqueueRun(runId: string): Promise<void> {
    await this.queue.add(JobName.RunMaintenance, { maintenanceRunId: runId } satisfies RunMaintenanceJob, {
      jobId: maintenanceRunJobId(runId),
      // A retry resumes the run after its last committed batch; the delays ride out a restarting database.
      attempts: 5,
      backoff: { type: 'exponential', delay: 5000 },
    });
  }

  /** Gives an unfinished run a job again when it has none that will run (Redis lost it, or it ended). */
  ensureRunJob(runId: string): Promise<boolean> {
    return requeueEndedJob(this.queue, maintenanceRunJobId(runId), () => this.enqueueRun(runId), this.logger);
  }

  /** Registers, changes or (null) removes the scheduled run. */
  async applySchedule(schedule: string | null): Promise<void> {
    if (schedule === null) {
      await this.queue.removeJobScheduler(MAINTENANCE_SCHEDULER_ID);
      return;
    }
    await this.queue.upsertJobScheduler(
      MAINTENANCE_SCHEDULER_ID,
      { pattern: schedule, tz: MAINTENANCE_SCHEDULE_TIME_ZONE },
      { name: JobName.ScheduledMaintenance, data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 1000 } } },
    );
  }
}
