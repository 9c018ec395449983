import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config';
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
    // The active run may end between the refused insert and the look-up: then try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const run = await this.runs.insertQueued(trigger, requestedBy, settings);
      if (run) {
        try {
          await this.queue.enqueueRun(run.id);
        } catch (error) {
          await this.runs.finish(run.id, { status: 'failed', error: `the run could not be queued: ${(error as Error).message}` });
          throw error;
        }
        this.logger.log(`queued ${trigger} maintenance run ${run.id}`);
        return { run, created: true };
      }
      const [active] = await this.runs.findUnfinished();
      if (active) return { run: active, created: false };
    }
    throw new Error('could not queue a maintenance run: the active run kept changing');
  }
}
