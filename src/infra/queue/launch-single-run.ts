import { Logger } from '@nestjs/common';

export interface SingleRunSteps<R extends { id: string }> {
  /** what the log calls it, e.g. "manual sync run" */
  label: string;
  /** Inserts a queued run; null when the one-active-run index refused it. */
  insertQueued(): Promise<R | null>;
  findActive(): Promise<R | null>;
  enqueue(id: string): Promise<unknown>;
  /** Ends a run whose job could not be queued, so it does not hold the one-run slot until the next restart. */
  failUnqueued(id: string, error: string): Promise<unknown>;
}

/**
 * Queues a run of work allowed once at a time (a sync or a maintenance run): durable in
 * PostgreSQL first, then its job; unless one is queued or running, when `created` is false and
 * `run` is that one. The active run may end between the refused insert and the look-up: then it
 * tries again.
 */
export async function launchSingleRun<R extends { id: string }>(steps: SingleRunSteps<R>, logger: Logger): Promise<{ run: R; created: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = await steps.insertQueued();
    if (run) {
      try {
        await steps.enqueue(run.id);
      } catch (error) {
        await steps.failUnqueued(run.id, `the run could not be queued: ${(error as Error).message}`);
        throw error;
      }
      logger.log(`queued ${steps.label} ${run.id}`);
      return { run, created: true };
    }
    const active = await steps.findActive();
    if (active) return { run: active, created: false };
  }
  throw new Error(`could not queue a ${steps.label}: the active run kept changing`);
}
