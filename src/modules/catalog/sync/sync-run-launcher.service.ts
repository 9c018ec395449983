import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../../common/errors/domain-error';
import { SyncRunEntity, SyncTrigger } from './entities/sync-run.entity';
import { SyncConfigRepository } from './sync-config.repository';
import { SyncQueue } from './sync-queue';
import { SyncRunsRepository } from './sync-runs.repository';

export class SyncNotConfiguredError extends DomainError {
  constructor() {
    super('sync_not_configured', HttpStatus.CONFLICT, 'no upstream is configured: set one with PUT /api/v1/sync/config first');
  }
}

/** Queues sync runs of the configured upstream; every trigger (API, schedule, local mode) goes through here. */
@Injectable()
export class SyncRunLauncher {
  private readonly logger = new Logger(SyncRunLauncher.name);

  constructor(
    private readonly runs: SyncRunsRepository,
    private readonly configs: SyncConfigRepository,
    private readonly queue: SyncQueue,
  ) {}

  /**
   * Queues a run (durable in PostgreSQL first, then its job), unless one is queued or running:
   * then `created` is false and `run` is that active run.
   */
  async launch(trigger: SyncTrigger, requestedBy: string | null): Promise<{ run: SyncRunEntity; created: boolean }> {
    const config = await this.configs.find();
    if (!config) throw new SyncNotConfiguredError();
    // The active run may end between the refused insert and the look-up: then try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const run = await this.runs.insertQueued({
        trigger,
        requestedBy,
        upstreamKind: config.upstreamKind,
        upstreamUrl: config.upstreamUrl,
        products: config.products,
        classifications: config.classifications,
      });
      if (run) {
        try {
          await this.queue.enqueueRun(run.id);
        } catch (error) {
          // Not left queued without a job: it would hold the one-run slot until the next restart.
          await this.runs.finish(run.id, { status: 'failed', error: `the run could not be queued: ${(error as Error).message}` });
          throw error;
        }
        this.logger.log(`queued ${trigger} sync run ${run.id}`);
        return { run, created: true };
      }
      const active = await this.runs.findActive();
      if (active) return { run: active, created: false };
    }
    throw new Error('could not queue a sync run: the active run kept changing');
  }
}
