import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ComplianceCounters } from './compliance-counters';

/** How often the worker folds the pending deltas into the counters. */
export const FOLD_INTERVAL_MS = 1000;

/**
 * The worker's fold of the compliance counters' pending deltas (ComplianceCounters.fold), every
 * FOLD_INTERVAL_MS, one fold at a time. The fold only keeps the delta table small (readers add what
 * is pending, so no report waits for it); a failed fold leaves the deltas for the next one. Several
 * workers may fold at once: each moves the rows it deleted.
 */
@Injectable()
export class ComplianceFoldService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ComplianceFoldService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly counters: ComplianceCounters) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** Folds every FOLD_INTERVAL_MS from now on (the worker starts it at boot). */
  start(): void {
    if (!this.stopped && this.timer) return;
    this.stopped = false;
    this.schedule();
  }

  /** Folds no more; resolves once a fold under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.foldOnce().finally(() => this.schedule());
    }, FOLD_INTERVAL_MS);
    this.timer.unref();
  }

  private async foldOnce(): Promise<void> {
    try {
      const { deltas } = await this.counters.fold();
      if (deltas) this.logger.debug(`folded ${deltas} compliance counter deltas`);
    } catch (error) {
      if (!this.stopped) this.logger.warn(`folding the compliance counter deltas failed (the next fold retries): ${(error as Error).message}`);
    }
  }
}
