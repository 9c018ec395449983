import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/app-config';
import { JobHandlerCheck } from './infra/queue/job-handler.check';
import { ApprovalRulesWorkerModule } from './modules/approvals/rules/approval-rules-worker.module';
import { AptRepositoryWorkerModule } from './modules/apt-repository/apt-repository-worker.module';
import { MaintenanceWorkerModule } from './modules/maintenance/maintenance-worker.module';
import { SyncWorkerModule } from './modules/catalog/sync/sync-worker.module';
import { ContentWorkerModule } from './modules/content/content-worker.module';
import { StatusWorkerModule } from './modules/status/status-worker.module';
import { ComplianceCountersWorkerModule } from './modules/reports/compliance-counters-worker.module';
import { CatalogChangeListenersModule } from './wiring/catalog-change-listeners.module';

/**
 * The BullMQ consumers: no HTTP. Each *WorkerModule holds a queue's processor (and schedulers) and
 * imports the same domain modules as the API. Refuses to start unless every job name has exactly one handler.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, 'worker'),
        CatalogChangeListenersModule,
        SyncWorkerModule,
        ApprovalRulesWorkerModule,
        StatusWorkerModule,
        ComplianceCountersWorkerModule,
        ContentWorkerModule,
        MaintenanceWorkerModule,
        AptRepositoryWorkerModule,
        DiscoveryModule,
      ],
      providers: [JobHandlerCheck],
    };
  }
}
