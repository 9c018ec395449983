import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../../common/errors/domain-error';
import { launchSingleRun } from '../../../infra/queue/launch-single-run';
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
    return launchSingleRun(
      {
        label: `${trigger} sync run`,
        insertQueued: () =>
          this.runs.insertQueued({
            trigger,
            requestedBy,
            upstreamKind: config.upstreamKind,
            upstreamUrl: config.upstreamUrl,
            products: config.products,
            classifications: config.classifications,
          }),
        findActive: () => this.runs.findActive(),
        enqueue: (id) => this.queue.enqueueRun(id),
        failUnqueued: (id, error) => this.runs.finish(id, { status: 'failed', error }),
      },
      this.logger,
    );
  }
}
