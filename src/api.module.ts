import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/app-config';
import { RateLimitModule } from './infra/rate-limit/rate-limit.module';
import { ApprovalsModule } from './modules/approvals/approvals.module';
import { AptRepositoryModule } from './modules/apt-repository/apt-repository.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { CatalogModule } from './modules/catalog/catalog.module';
import { CheckInModule } from './modules/check-in/check-in.module';
import { DownstreamModule } from './modules/catalog/downstream/downstream.module';
import { SyncModule } from './modules/catalog/sync/sync.module';
import { ComputersModule } from './modules/computers/computers.module';
import { ContentModule } from './modules/content/content.module';
import { GroupsModule } from './modules/groups/groups.module';
import { HealthModule } from './modules/health/health.module';
import { MaintenanceModule } from './modules/maintenance/maintenance.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { ReportsModule } from './modules/reports/reports.module';
import { SettingsModule } from './modules/settings/settings.module';
import { SigningModule } from './modules/signing/signing.module';
import { StatusModule } from './modules/status/status.module';
import { UsersModule } from './modules/users/users.module';

/** The HTTP API: every controller, no queue consumers. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, 'api'),
        MetricsModule,
        RateLimitModule,
        AuthModule,
        UsersModule,
        HealthModule,
        CatalogModule,
        SyncModule,
        DownstreamModule,
        SigningModule,
        SettingsModule,
        GroupsModule,
        ComputersModule,
        ApprovalsModule,
        AuditModule,
        CheckInModule,
        StatusModule,
        ReportsModule,
        ContentModule,
        MaintenanceModule,
        AptRepositoryModule,
      ],
    };
  }
}
