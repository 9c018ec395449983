import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { isDependencyUnavailable } from '../../common/errors/dependency-unavailable';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { RequestMetrics } from '../metrics/request-metrics';
import { RejectedStatusEventDto, StatusAcceptedDto, StatusEventDto } from './dto/status-report.dto';
import { IngestStatusJob } from './status-ingest.job';
import { KnownRevisionsCache } from './known-revisions.cache';
import { eventKey } from './status.repository';

@Injectable()
export class StatusService {
  private readonly logger = new Logger(StatusService.name);

  constructor(
    @InjectQueue(QueueName.StatusIngest) private readonly queue: Queue<IngestStatusJob>,
    private readonly metrics: RequestMetrics,
    private readonly knownRevisions: KnownRevisionsCache,
  ) {}

  /**
   * Queues a validated report; resolves once Redis holds it, which is what the 202 promises. An
   * event for an update (or a revision) the catalog does not hold is not accepted: it is listed in
   * `rejected` with its index, and the rest is accepted (KnownRevisionsCache: SQL only for pairs it
   * has not seen under the current catalog version). While PostgreSQL cannot be reached the
   * report is queued unchecked (the agent path needs Redis only) and the worker dead-letters such
   * events instead (StatusRepository.persist).
   */
  async accept(computerId: string, events: StatusEventDto[]): Promise<StatusAcceptedDto> {
    const rejected: RejectedStatusEventDto[] = [];
    const known = await this.knownRevisions.known(events).catch((error: unknown) => {
      if (!isDependencyUnavailable(error)) throw error;
      this.logger.warn('PostgreSQL unreachable: status report queued without checking its updates against the catalog');
      return null;
    });
    const accepted = known
      ? events.filter((e, index) => {
          if (known.has(eventKey(e.updateId, e.revision))) return true;
          rejected.push({ index, updateId: e.updateId, revision: e.revision, reason: 'unknown_update' });
          return false;
        })
      : events;
    if (accepted.length) {
      await this.queue.add(
        JobName.IngestStatus,
        { computerId, receivedAt: new Date().toISOString(), events: accepted },
        { attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
      );
    }
    this.metrics.statusEventsAccepted.inc(accepted.length);
    if (rejected.length) this.metrics.statusEventsRejected.inc(rejected.length);
    return { accepted: accepted.length, rejected };
  }
}
