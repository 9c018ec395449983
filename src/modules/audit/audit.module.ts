import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ApprovalLogModule } from '../approval-log/approval-log.module';
import { AuditLogsRepository } from './audit-logs.repository';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditTrailInterceptor } from './events/audit-trail.interceptor';
import { AuditTrailModule } from './events/audit-trail.module';
import { LogExporter } from './export/log-exporter';

/** The auditor's API, and the interceptor that records every admin action (API process only). */
@Module({
  imports: [ApprovalLogModule, AuditTrailModule],
  controllers: [AuditController],
  providers: [AuditService, AuditLogsRepository, LogExporter, { provide: APP_INTERCEPTOR, useClass: AuditTrailInterceptor }],
})
export class AuditModule {}
