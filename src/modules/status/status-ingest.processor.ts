import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { HandlesJobs } from '../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { StatusBatcher } from './status-batcher';
import { IngestStatusJob } from './status-ingest.job';

/** Many jobs at once, so the batcher can store them together in one transaction. */
@Processor(QueueName.StatusIngest, { concurrency: 256 })
@HandlesJobs(QueueName.StatusIngest, JobName.IngestStatus)
export class StatusIngestProcessor extends WorkerHost {
  constructor(private readonly batcher: StatusBatcher) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.IngestStatus:
        return this.ingest(job as Job<IngestStatusJob>);
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
