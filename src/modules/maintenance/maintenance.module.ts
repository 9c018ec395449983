import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { ApprovalLogModule } from '../approval-log/approval-log.module';
import { CatalogModule } from '../catalog/catalog.module';
import { ComputersModule } from '../computers/computers.module';
import { ContentModule } from '../content/content.module';
import { StatusModule } from '../status/status.module';
import { MaintenanceConfigRepository } from './maintenance-config.repository';
import { MaintenanceLauncher } from './maintenance-launcher.service';
import { MaintenanceQueue } from './maintenance-queue';
import { MaintenanceRecovery } from './maintenance-recovery.service';
import { MAINTENANCE_TASKS, MaintenanceRunner } from './maintenance-runner.service';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceService } from './maintenance.service';
import { DeleteUnneededContentTask } from './tasks/delete-unneeded-content.task';
import { DeclineExpiredTask } from './tasks/decline-expired.task';
import { DeclineSupersededTask } from './tasks/decline-superseded.task';
import { MAINTENANCE_TASK_ORDER, MaintenanceTask } from './tasks/maintenance-task';
import { PruneStatusHistoryTask } from './tasks/prune-status-history.task';
import { RemoveStaleComputersTask } from './tasks/remove-stale-computers.task';
import { UpdateDecliner } from './tasks/update-decliner';
import { VacuumTask } from './tasks/vacuum.task';

/** Every task; MAINTENANCE_TASK_ORDER says in which order they run. */
const TASKS = [DeclineSupersededTask, DeclineExpiredTask, RemoveStaleComputersTask, PruneStatusHistoryTask, DeleteUnneededContentTask, VacuumTask];

/**
 * Maintenance: configuration, manual runs, the maintenance log, start-up recovery, and the runner
 * with its tasks (which use the catalog, computers, install states, content store and approval
 * log through their modules). Runs are carried out by the worker's MaintenanceWorkerModule.
 */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Maintenance }), ApprovalLogModule, CatalogModule, ComputersModule, ContentModule, StatusModule],
  providers: [
    MaintenanceConfigRepository,
    MaintenanceRunsRepository,
    MaintenanceQueue,
    MaintenanceLauncher,
    MaintenanceRecovery,
    MaintenanceService,
    UpdateDecliner,
    ...TASKS,
    {
      provide: MAINTENANCE_TASKS,
      inject: TASKS,
      useFactory: (...tasks: MaintenanceTask[]): MaintenanceTask[] =>
        MAINTENANCE_TASK_ORDER.map((name) => {
          const task = tasks.find((t) => t.name === name);
          if (!task) throw new Error(`maintenance task ${name} has no provider`);
          return task;
        }),
    },
    MaintenanceRunner,
  ],
  exports: [MaintenanceService, MaintenanceRunsRepository, MaintenanceLauncher, MaintenanceRunner],
})
export class MaintenanceModule {}
