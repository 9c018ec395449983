import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SyncConfigRepository } from './sync-config.repository';
import { SyncQueue } from './sync-queue';
import { SyncRunsRepository } from './sync-runs.repository';

/**
 * At every API and worker start: PostgreSQL is the record, Redis follows it. An unfinished run
 * whose job Redis lost (flushed, or the job ended while the run did not) gets a job again and
 * continues where its last committed page left it; the schedule is registered again.
 */
@Injectable()
export class SyncRecoveryService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncRecoveryService.name);
  private recovery: Promise<void> | null = null;

  constructor(
    private readonly runs: SyncRunsRepository,
    private readonly configs: SyncConfigRepository,
    private readonly queue: SyncQueue,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a start is not held up while Redis is still coming up.
    this.recovery = this.recover().catch((error: unknown) => this.logger.error(`sync recovery at start failed: ${(error as Error).message}`));
  }

  /** Resolves once the start-up check is done (for tests and orderly shutdowns). */
  whenRecovered(): Promise<void> {
    return this.recovery ?? Promise.resolve();
  }

  async recover(): Promise<void> {
    for (const run of await this.runs.findUnfinished()) {
      if (await this.queue.ensureRunJob(run.id)) this.logger.warn(`sync run ${run.id} (${run.status}) had no job: enqueued it again`);
    }
    const config = await this.configs.find();
    await this.queue.applySchedule(config?.schedule ?? null);
  }
}
