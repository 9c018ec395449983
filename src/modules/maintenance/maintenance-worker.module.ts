import { Module } from '@nestjs/common';
import { AuditWorkerModule } from '../audit/audit-worker.module';
import { MaintenanceModule } from './maintenance.module';
import { MaintenanceProcessor } from './maintenance.processor';

/** The worker side of maintenance: the maintenance queue's one processor (maintenance runs and the audit retention job). */
@Module({
  imports: [MaintenanceModule, AuditWorkerModule],
  providers: [MaintenanceProcessor],
})
export class MaintenanceWorkerModule {}
