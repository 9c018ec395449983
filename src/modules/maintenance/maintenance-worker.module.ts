import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '../../infra/queue/queue-names';
import { ApprovalLogModule } from '../approvals/approval-log/approval-log.module';
import { AuditWorkerModule } from '../audit/audit-worker.module';
import { CatalogRepository } from '../catalog/catalog.repository';
import { UpdateRevisionEntity } from '../catalog/entities/update-revision.entity';
import { UpdateEntity } from '../catalog/entities/update.entity';
import { ComputerTokenCache } from '../computers/computer-token.cache';
import { ComputersRepository } from '../computers/computers.repository';
import { ComputerEntity } from '../computers/entities/computer.entity';
import { ContentCoreModule } from '../content/content-core.module';
import { StatusRepository } from '../status/status.repository';
import { MAINTENANCE_TASKS, MaintenanceRunner } from './maintenance-runner.service';
import { MAINTENANCE_SHARED_PROVIDERS } from './maintenance.module';
import { MaintenanceProcessor } from './maintenance.processor';
import { DeleteUnneededContentTask } from './tasks/delete-unneeded-content.task';
import { DeclineExpiredTask } from './tasks/decline-expired.task';
import { DeclineSupersededTask } from './tasks/decline-superseded.task';
import { MAINTENANCE_TASK_ORDER, MaintenanceTask } from './tasks/maintenance-task';
import { PruneStatusHistoryTask } from './tasks/prune-status-history.task';
import { RecountComplianceTask } from './tasks/recount-compliance.task';
import { RemoveStaleComputersTask } from './tasks/remove-stale-computers.task';
import { UpdateDecliner } from './tasks/update-decliner';
import { ComplianceCountersModule } from '../reports/compliance-counters.module';
import { VacuumTask } from './tasks/vacuum.task';

/** Every task; MAINTENANCE_TASK_ORDER says in which order they run. */
const TASKS = [
  DeclineSupersededTask, DeclineExpiredTask, RemoveStaleComputersTask, PruneStatusHistoryTask, DeleteUnneededContentTask, RecountComplianceTask, VacuumTask,
];

/** The worker side of maintenance: the maintenance queue's one processor, the runner and its tasks. */
@Module({
  imports: [
    TypeOrmModule.forFeature([UpdateEntity, UpdateRevisionEntity, ComputerEntity]),
    BullModule.registerQueue({ name: QueueName.Maintenance }),
    ApprovalLogModule,
    AuditWorkerModule,
    ContentCoreModule,
    ComplianceCountersModule,
  ],
  providers: [
    ...MAINTENANCE_SHARED_PROVIDERS,
    CatalogRepository,
    ComputersRepository,
    ComputerTokenCache,
    StatusRepository,
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
    MaintenanceProcessor,
  ],
})
export class MaintenanceWorkerModule {}
