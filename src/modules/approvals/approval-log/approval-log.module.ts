import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalLogEntryEntity } from './approval-log-entry.entity';
import { ApprovalLogRepository } from './approval-log.repository';
import { ApprovalLogWriter } from './approval-log.writer';

/**
 * Global because every module that changes approvals writes here (groups, approvals, rules, the
 * catalog's global decline, the sync listener, maintenance) and the catalog must not depend on
 * the approvals module, which depends on the catalog.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApprovalLogEntryEntity])],
  providers: [ApprovalLogWriter, ApprovalLogRepository],
  exports: [ApprovalLogWriter, ApprovalLogRepository],
})
export class ApprovalLogModule {}
