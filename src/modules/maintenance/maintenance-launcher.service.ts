import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config';
import { launchSingleRun } from '../../infra/queue/launch-single-run';
import { MaintenanceConfigRepository } from './maintenance-config.repository';
import { MaintenanceQueue } from './maintenance-queue';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceRun, MaintenanceSettings, MaintenanceTrigger } from './maintenance-settings';

/**
 * Queues maintenance runs; the API (manual) and the schedule (worker) both go through here. At
 * start the PostgreSQL side is the record: the stored settings are copied into the run, and Redis
 * gets the job after the row exists.
 */
@Injectable()
export class MaintenanceLauncher {
  private readonly logger = new Logger(MaintenanceLauncher.name);

  constructor(
    private readonly configs: MaintenanceConfigRepository,
    private readonly runs: MaintenanceRunsRepository,
    private readonly queue: MaintenanceQueue,
    private readonly config: AppConfig,
  ) {}

  /** The stored settings; the history retention falls back to PATCHGATE_STATUS_HISTORY_DAYS until seeded. */
  async settings(): Promise<MaintenanceSettings & { updatedAt: Date; updatedBy: string | null }> {
    const stored = await this.configs.find();
    return { ...stored, statusHistoryDays: stored.statusHistoryDays ?? this.config.statusHistoryDays };
  }

  /** Queues a run unless one is queued or running: then `created` is false and `run` is that one. */
  async launch(trigger: MaintenanceTrigger, requestedBy: string | null): Promise<{ run: MaintenanceRun; created: boolean }> {
    const { updatedAt: _at, updatedBy: _by, ...settings } = await this.settings();
    return launchSingleRun(
      {
        label: `${trigger} maintenance run`,
        insertQueued: () => this.runs.insertQueued(trigger, requestedBy, settings),
        findActive: async () => (await this.runs.findUnfinished())[0] ?? null,
        enqueue: (id) => this.queue.enqueueRun(id),
        failUnqueued: (id, error) => this.runs.finish(id, { status: 'failed', error }),
      },
      this.logger,
    );
  }
}
