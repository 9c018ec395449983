import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { HandlesJobs } from '../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { StatusBatcher } from './status-batcher';
import { IngestStatusJob } from './status-ingest.job';

/**
 * The daily scheduler of JobName.PruneStatusHistory, from before history pruning became a task of
 * the maintenance run: removed at start, so an upgraded deployment stops pruning twice.
 */
export const LEGACY_RETENTION_SCHEDULER_ID = 'status-history-retention';

/** Many jobs at once, so the batcher can store them together in one transaction. */
@Processor(QueueName.StatusIngest, { concurrency: 256 })
@HandlesJobs(QueueName.StatusIngest, JobName.IngestStatus, JobName.PruneStatusHistory)
export class StatusIngestProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(StatusIngestProcessor.name);

  constructor(
    private readonly batcher: StatusBatcher,
    @InjectQueue(QueueName.StatusIngest) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.removeJobScheduler(LEGACY_RETENTION_SCHEDULER_ID);
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.IngestStatus:
        return this.ingest(job as Job<IngestStatusJob>);
      case JobName.PruneStatusHistory:
        // A tick the legacy scheduler queued before it was removed: the maintenance run prunes now.
        this.logger.log('status history is pruned by the maintenance run; legacy prune job ignored');
        return;
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.StatusIngest}`);
    }
  }

  private async ingest(job: Job<IngestStatusJob>): Promise<void> {
    const { computerId, events, receivedAt } = job.data;
    await this.batcher.add(
      events.map((e) => ({
        computerId,
        updateId: e.updateId,
        revision: e.revision,
        state: e.state,
        errorCode: e.errorCode ?? null,
        message: e.message ?? null,
        occurredAt: e.occurredAt,
        seq: e.seq,
        receivedAt,
      })),
    );
  }
}
