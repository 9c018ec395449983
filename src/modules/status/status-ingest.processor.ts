import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../../infra/config/app-config';
import { HandlesJobs } from '../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { StatusBatcher } from './status-batcher';
import { IngestStatusJob } from './status-ingest.job';
import { StatusRepository } from './status.repository';

/** Fixed id: however many workers start, the retention schedule exists once. */
const RETENTION_SCHEDULER_ID = 'status-history-retention';

/** Many jobs at once, so the batcher can store them together in one transaction. */
@Processor(QueueName.StatusIngest, { concurrency: 256 })
@HandlesJobs(QueueName.StatusIngest, JobName.IngestStatus, JobName.PruneStatusHistory)
export class StatusIngestProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(StatusIngestProcessor.name);

  constructor(
    private readonly batcher: StatusBatcher,
    private readonly status: StatusRepository,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.StatusIngest) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(RETENTION_SCHEDULER_ID, { pattern: '17 3 * * *' }, { name: JobName.PruneStatusHistory });
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.IngestStatus:
        return this.ingest(job as Job<IngestStatusJob>);
      case JobName.PruneStatusHistory:
        return this.prune();
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.StatusIngest}`);
    }
  }

  private async ingest(job: Job<IngestStatusJob>): Promise<void> {
    const { computerId, events } = job.data;
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
      })),
    );
  }

  private async prune(): Promise<{ deleted: number }> {
    const cutoff = new Date(Date.now() - this.config.statusHistoryDays * 24 * 3600 * 1000);
    const deleted = await this.status.pruneHistory(cutoff);
    this.logger.log(`pruned ${deleted} status events received before ${cutoff.toISOString()}`);
    return { deleted };
  }
}
