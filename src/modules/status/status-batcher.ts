import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { isInvalidData } from '../../common/errors/invalid-data';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { DeadLetteredEventsCounter, PersistedEventsCounter } from '../metrics/persisted-events.counter';
import { StatusRepository, StoredStatusEvent } from './status.repository';

/** A batch is written once this many events wait, or after this long, whichever comes first. */
const MAX_BATCH_EVENTS = 5000;
const MAX_WAIT_MS = 25;
/**
 * Transactions in flight at once: two let PostgreSQL use a second core while the queue is long.
 * Concurrent batches are safe: install_states keeps the newest seq whatever the commit order, rows
 * are upserted in key order (no deadlock), and the counters' deltas are only ever appended.
 */
export const MAX_CONCURRENT_BATCHES = 2;

/** One queue job's events, and the promise its job waits on. */
interface Pending {
  events: StoredStatusEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Outcome {
  stored: number;
  changed: string[];
  deadLettered: number;
}

/**
 * Group commit for status ingestion: many queue jobs processed at once hand their events here, and
 * one transaction stores them all. A job completes only after the transaction that holds its
 * events committed, so BullMQ retries whatever a failed write did not store.
 *
 * One bad event cannot fail the others: when PostgreSQL refuses a batch for its data (a NUL byte,
 * a timestamp out of range: isInvalidData), each job's events are stored again on their own, and
 * within a job that still fails, each event; an event refused on its own is dead-lettered
 * (status_dead_letters, logged, patchgate_status_events_dead_lettered_total) and its job completes.
 * Any other failure (PostgreSQL away) fails the jobs, which BullMQ retries.
 */
@Injectable()
export class StatusBatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(StatusBatcher.name);
  private pending: Pending[] = [];
  private pendingEvents = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly status: StatusRepository,
    private readonly versions: OfferVersionsService,
    private readonly persisted: PersistedEventsCounter,
    private readonly deadLettered: DeadLetteredEventsCounter,
  ) {}

  add(events: StoredStatusEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      this.pendingEvents += events.length;
      if (this.pendingEvents >= MAX_BATCH_EVENTS) this.flushSoon(0);
      else this.flushSoon(MAX_WAIT_MS);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.startFlush();
    while (this.inFlight.size) await Promise.all(this.inFlight);
  }

  private flushSoon(delay: number): void {
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startFlush();
    }, delay);
  }

  /** Starts a transaction for what waits, unless MAX_CONCURRENT_BATCHES are in flight: the first to end starts it then. */
  private startFlush(): void {
    if (!this.pending.length || this.inFlight.size >= MAX_CONCURRENT_BATCHES) return;
    const run: Promise<void> = this.flush()
      .catch((error: unknown) => this.logger.error({ err: error }, 'a status batch ended in an unexpected error'))
      .finally(() => {
        this.inFlight.delete(run);
        this.startFlush();
      });
    this.inFlight.add(run);
  }

  private async flush(): Promise<void> {
    const jobs = this.pending;
    if (!jobs.length) return;
    this.pending = [];
    this.pendingEvents = 0;
    const events = jobs.flatMap((j) => j.events);
    try {
      await this.settle(await this.store(events));
      jobs.forEach((j) => j.resolve());
    } catch (error) {
      if (!isInvalidData(error)) {
        this.logger.error({ err: error, events: events.length }, 'storing a status batch failed; its jobs will be retried');
        jobs.forEach((j) => j.reject(error));
        return;
      }
      this.logger.warn({ err: error, events: events.length, jobs: jobs.length }, 'PostgreSQL refused a status batch for its data; storing its jobs one by one');
      for (const job of jobs) await this.storeAlone(job);
    }
  }

  /** A job's events on their own; if PostgreSQL still refuses them, each event on its own. */
  private async storeAlone(job: Pending): Promise<void> {
    try {
      await this.settle(await this.storeIsolated(job.events));
      job.resolve();
    } catch (error) {
      this.logger.error({ err: error, events: job.events.length }, 'storing a status report failed; its job will be retried');
      job.reject(error);
    }
  }

  private async storeIsolated(events: StoredStatusEvent[]): Promise<Outcome> {
    try {
      return await this.store(events);
    } catch (error) {
      if (!isInvalidData(error)) throw error;
      if (events.length > 1) {
        const total: Outcome = { stored: 0, changed: [], deadLettered: 0 };
        for (const event of events) {
          const one = await this.storeIsolated([event]);
          total.stored += one.stored;
          total.changed.push(...one.changed);
          total.deadLettered += one.deadLettered;
        }
        return total;
      }
      const message = (error as Error).message;
      await this.status.deadLetter(events, 'refused', message);
      const [event] = events;
      this.logger.error({ computerId: event.computerId, updateId: event.updateId, seq: event.seq, error: message }, 'status event dead-lettered: PostgreSQL refused it');
      return { stored: 0, changed: [], deadLettered: 1 };
    }
  }

  private async store(events: StoredStatusEvent[]): Promise<Outcome> {
    const { stored, changed, unknown } = await this.status.persist(events);
    if (unknown) this.logger.warn({ events: unknown }, 'status events for updates the catalog does not hold dead-lettered');
    return { stored, changed, deadLettered: unknown };
  }

  /** After the commit: offers recompute from the stored state; counters are only metrics. */
  private async settle({ stored, changed, deadLettered }: Outcome): Promise<void> {
    await this.versions.bumpComputers([...new Set(changed)]);
    // Only metrics: the events are stored, so a failure here must not have their jobs retried.
    const count = (counter: { add(n: number): Promise<void> }, n: number, what: string) =>
      counter.add(n).catch((error: unknown) => this.logger.warn(`could not count ${what}: ${(error as Error).message}`));
    await count(this.persisted, stored, 'stored status events');
    await count(this.deadLettered, deadLettered, 'dead-lettered status events');
  }
}
