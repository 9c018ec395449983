import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { MaintenanceConfigRepository } from './maintenance-config.repository';
import { MaintenanceLauncher } from './maintenance-launcher.service';
import { MaintenanceQueue } from './maintenance-queue';
import { MaintenanceRecovery } from './maintenance-recovery.service';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceController } from './maintenance.controller';
import { MaintenanceService } from './maintenance.service';

/** What both sides need: settings, the log, queuing runs, and the start-up recovery. */
export const MAINTENANCE_SHARED_PROVIDERS = [MaintenanceConfigRepository, MaintenanceRunsRepository, MaintenanceQueue, MaintenanceLauncher, MaintenanceRecovery];

/** The API side of maintenance: configuration, manual runs, the maintenance log. Runs are carried out by MaintenanceWorkerModule. */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Maintenance })],
  controllers: [MaintenanceController],
  providers: [...MAINTENANCE_SHARED_PROVIDERS, MaintenanceService],
  exports: [MaintenanceRunsRepository],
})
export class MaintenanceModule {}
