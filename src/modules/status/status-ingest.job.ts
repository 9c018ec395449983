import { StatusEventDto } from './dto/status-report.dto';

/**
 * A status report waiting in the queue. The events travel in the job: acknowledged reports must be
 * durable before the 202, and Redis (AOF) is where they are until the worker stores them.
 */
export interface IngestStatusJob {
  computerId: string;
  receivedAt: string;
  events: StatusEventDto[];
}
