import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { PersistedEventsCounter } from '../metrics/persisted-events.counter';
import { StatusRepository, StoredStatusEvent } from './status.repository';

/** A batch is written once this many events wait, or after this long, whichever comes first. */
const MAX_BATCH_EVENTS = 5000;
const MAX_WAIT_MS = 25;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for status ingestion: many queue jobs processed at once hand their events here, and
 * one transaction stores them all. A job completes only after the transaction that holds its
 * events committed, so BullMQ retries whatever a failed write did not store.
 */
@Injectable()
export class StatusBatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(StatusBatcher.name);
  private pending: StoredStatusEvent[] = [];
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly status: StatusRepository,
    private readonly versions: OfferVersionsService,
    private readonly persisted: PersistedEventsCounter,
  ) {}

  add(events: StoredStatusEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push(...events);
      this.waiters.push({ resolve, reject });
      if (this.pending.length >= MAX_BATCH_EVENTS) this.flushSoon(0);
      else this.flushSoon(MAX_WAIT_MS);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.flushSoon(0);
    await this.flushing;
  }

  private flushSoon(delay: number): void {
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, delay);
  }

  private async flush(): Promise<void> {
    const events = this.pending;
    const waiters = this.waiters;
    if (!events.length) return;
    this.pending = [];
    this.waiters = [];
    try {
      const { stored, changed } = await this.status.persist(events);
      // Bumped after commit: check-ins then recompute offers from the stored state.
      await this.versions.bumpComputers(changed);
      waiters.forEach((w) => w.resolve());
      // Only a metric: the events are stored, so a failure here must not have their jobs retried.
      await this.persisted.add(stored).catch((error: unknown) => this.logger.warn(`could not count stored status events: ${(error as Error).message}`));
    } catch (error) {
      this.logger.error({ err: error, events: events.length }, 'storing a status batch failed; its jobs will be retried');
      waiters.forEach((w) => w.reject(error));
    }
  }
}
