import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CoreModule } from './core.module';
import { AppConfig } from './infra/config/app-config';
import { RateLimitModule } from './infra/rate-limit/rate-limit.module';
import { ApprovalsController } from './modules/approvals/approvals.controller';
import { ApprovalsModule } from './modules/approvals/approvals.module';
import { ApprovalRulesController } from './modules/approvals/rules/approval-rules.controller';
import { AptDependenciesController } from './modules/apt-repository/apt-dependencies.controller';
import { AptRepositoryModule } from './modules/apt-repository/apt-repository.module';
import { AptRepositoryController } from './modules/apt-repository/serving/apt-repository.controller';
import { AptSourcesController } from './modules/apt-repository/serving/apt-sources.controller';
import { AuditController } from './modules/audit/audit.controller';
import { AuditModule } from './modules/audit/audit.module';
import { AuditTrailInterceptor } from './modules/audit/events/audit-trail.interceptor';
import { AuthController } from './modules/auth/auth.controller';
import { AuthModule } from './modules/auth/auth.module';
import { CatalogController } from './modules/catalog/catalog.controller';
import { CatalogModule } from './modules/catalog/catalog.module';
import { DownstreamTokensController } from './modules/catalog/downstream/downstream-tokens.controller';
import { DownstreamModule } from './modules/catalog/downstream/downstream.module';
import { UpstreamCatalogController } from './modules/catalog/downstream/upstream-catalog.controller';
import { SyncController } from './modules/catalog/sync/sync.controller';
import { SyncModule } from './modules/catalog/sync/sync.module';
import { CheckInController } from './modules/check-in/check-in.controller';
import { CheckInModule } from './modules/check-in/check-in.module';
import { ClientController } from './modules/computers/client.controller';
import { ComputersController } from './modules/computers/computers.controller';
import { ComputersModule } from './modules/computers/computers.module';
import { EnrollmentKeysController } from './modules/computers/enrollment-keys.controller';
import { ComputerAuthenticator } from './modules/computers/auth/computer-authenticator';
import { ContentFilesController } from './modules/content-delivery/content-files.controller';
import { ContentController } from './modules/content/content.controller';
import { ContentMetrics } from './modules/content/content.metrics';
import { AuditMetrics } from './modules/audit/audit.metrics';
import { ContentModule } from './modules/content/content.module';
import { ContentDeliveryModule } from './modules/content-delivery/content-delivery.module';
import { GroupsController } from './modules/groups/groups.controller';
import { GroupsModule } from './modules/groups/groups.module';
import { HealthController } from './modules/health/health.controller';
import { HealthModule } from './modules/health/health.module';
import { MaintenanceController } from './modules/maintenance/maintenance.controller';
import { MaintenanceModule } from './modules/maintenance/maintenance.module';
import { MetricsController } from './modules/metrics/metrics.controller';
import { MetricsModule } from './modules/metrics/metrics.module';
import { ReportsController } from './modules/reports/reports.controller';
import { ReportsModule } from './modules/reports/reports.module';
import { SettingsController } from './modules/settings/settings.controller';
import { SettingsModule } from './modules/settings/settings.module';
import { KeysController } from './modules/signing/keys.controller';
import { SigningModule } from './modules/signing/signing.module';
import { StatusController } from './modules/status/status.controller';
import { StatusModule } from './modules/status/status.module';
import { StatusService } from './modules/status/status.service';
import { UsersController } from './modules/users/users.controller';
import { UsersModule } from './modules/users/users.module';
import { AptBindingsModule } from './wiring/apt-bindings.module';
import { CatalogChangeListenersModule } from './wiring/catalog-change-listeners.module';

/**
 * The HTTP API: the domain modules (providers only; the worker imports the same ones), every
 * controller, and the few providers that exist only in the HTTP process. No queue consumers.
 * docs/architecture.md has the module map.
 */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, 'api'),
        CatalogChangeListenersModule,
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
        ContentDeliveryModule,
        MaintenanceModule,
        AptRepositoryModule,
        AptBindingsModule,
      ],
      // In the order the routes were registered before controllers moved here (it is the OpenAPI order).
      controllers: [
        MetricsController,
        AuthController,
        UsersController,
        HealthController,
        CatalogController,
        SyncController,
        DownstreamTokensController,
        UpstreamCatalogController,
        KeysController,
        SettingsController,
        GroupsController,
        ComputersController,
        EnrollmentKeysController,
        ClientController,
        ApprovalsController,
        ApprovalRulesController,
        AuditController,
        CheckInController,
        StatusController,
        ReportsController,
        ContentController,
        ContentFilesController,
        MaintenanceController,
        AptSourcesController,
        AptDependenciesController,
        AptRepositoryController,
      ],
      providers: [
        // Records every admin action in the audit trail.
        { provide: APP_INTERCEPTOR, useClass: AuditTrailInterceptor },
        // HTTP-only providers: computer authentication (called by the global AccessGuard; uses the
        // API's rate limits), and services that count into the request metrics (MetricsModule, API only).
        ComputerAuthenticator,
        StatusService,
        ContentMetrics,
        AuditMetrics,
      ],
    };
  }
}
