import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { RequestMetrics } from '../metrics/request-metrics';
import { StatusEventDto } from './dto/status-report.dto';
import { IngestStatusJob } from './status-ingest.job';

@Injectable()
export class StatusService {
  constructor(
    @InjectQueue(QueueName.StatusIngest) private readonly queue: Queue<IngestStatusJob>,
    private readonly metrics: RequestMetrics,
  ) {}

  /** Queues a validated report; resolves once Redis holds it, which is what the 202 promises. */
  async accept(computerId: string, events: StatusEventDto[]): Promise<number> {
    await this.queue.add(
      JobName.IngestStatus,
      { computerId, receivedAt: new Date().toISOString(), events },
      { attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
    );
    this.metrics.statusEventsAccepted.inc(events.length);
    return events.length;
  }
}
