import { Module } from '@nestjs/common';
import { ApprovalLogModule } from '../approval-log/approval-log.module';
import { AuditLogsRepository } from './audit-logs.repository';
import { AuditService } from './audit.service';
import { ApprovalLogCheckpointsRepository } from './checkpoints/approval-log-checkpoints.repository';
import { ApprovalLogCheckpoints } from './checkpoints/approval-log-checkpoints.service';
import { SigningModule } from '../signing/signing.module';
import { AuditTrailModule } from './events/audit-trail.module';
import { LogExporter } from './export/log-exporter';

/**
 * The auditor's reads: the audit trail and the approval log, their exports and the chain check.
 * The interceptor that records every admin action is registered by src/api.module.ts (HTTP only);
 * the daily retention job by AuditWorkerModule (worker only).
 */
@Module({
  imports: [ApprovalLogModule, AuditTrailModule, SigningModule],
  providers: [AuditService, AuditLogsRepository, LogExporter, ApprovalLogCheckpoints, ApprovalLogCheckpointsRepository],
  exports: [AuditService, AuditLogsRepository, ApprovalLogCheckpoints],
})
export class AuditModule {}
