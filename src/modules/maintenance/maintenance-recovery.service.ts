import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config';
import { MaintenanceConfigRepository } from './maintenance-config.repository';
import { MaintenanceQueue } from './maintenance-queue';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';

/**
 * At every API and worker start: seeds the history retention from PATCHGATE_STATUS_HISTORY_DAYS
 * (once), registers the schedule again (Redis follows PostgreSQL), and gives an unfinished run
 * whose job Redis lost a job again; it continues after its last committed batch.
 */
@Injectable()
export class MaintenanceRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceRecovery.name);

  constructor(
    private readonly configs: MaintenanceConfigRepository,
    private readonly runs: MaintenanceRunsRepository,
    private readonly queue: MaintenanceQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.configs.seedStatusHistoryDays(this.config.statusHistoryDays);
    // In the background: a start is not held up while Redis is still coming up.
    void this.recover().catch((error: unknown) => this.logger.error(`maintenance recovery at start failed: ${(error as Error).message}`));
  }

  async recover(): Promise<void> {
    for (const run of await this.runs.findUnfinished()) {
      if (await this.queue.ensureRunJob(run.id)) this.logger.warn(`maintenance run ${run.id} (${run.status}) had no job: enqueued it again`);
    }
    // An admin may change the schedule meanwhile: apply until what was applied is what is stored.
    let applied: string | null | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const { schedule } = await this.configs.find();
      if (schedule === applied) return;
      await this.queue.applySchedule(schedule);
      applied = schedule;
    }
  }
}
