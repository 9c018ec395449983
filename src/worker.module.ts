import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/app-config';
import { ApprovalRulesWorkerModule } from './modules/approvals/rules/approval-rules-worker.module';
import { SyncWorkerModule } from './modules/catalog/sync/sync-worker.module';
import { StatusWorkerModule } from './modules/status/status-worker.module';

/** The BullMQ consumers: no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config),
        SyncWorkerModule,
        ApprovalRulesWorkerModule,
        StatusWorkerModule,
      ],
    };
  }
}
