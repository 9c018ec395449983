import { Module } from '@nestjs/common';
import { ApprovalLogModule } from '../approvals/approval-log/approval-log.module';
import { ApprovalLogVerifier } from './approval-log.verifier';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

@Module({
  imports: [ApprovalLogModule],
  controllers: [AuditController],
  providers: [AuditService, ApprovalLogVerifier],
})
export class AuditModule {}
