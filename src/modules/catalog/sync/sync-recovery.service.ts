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

  constructor(
    private readonly runs: SyncRunsRepository,
    private readonly configs: SyncConfigRepository,
    private readonly queue: SyncQueue,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a start is not held up while Redis is still coming up.
    void this.recover().catch((error: unknown) => this.logger.error(`sync recovery at start failed: ${(error as Error).message}`));
  }

  async recover(): Promise<void> {
    for (const run of await this.runs.findUnfinished()) {
      if (await this.queue.ensureRunJob(run.id)) this.logger.warn(`sync run ${run.id} (${run.status}) had no job: enqueued it again`);
    }
    // An admin may change the schedule meanwhile: apply until what was applied is what is stored,
    // so this start cannot undo the change.
    let applied: string | null | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const schedule = (await this.configs.find())?.schedule ?? null;
      if (schedule === applied) return;
      await this.queue.applySchedule(schedule);
      applied = schedule;
    }
  }
}
