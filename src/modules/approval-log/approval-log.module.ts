import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalLogEntryEntity } from './approval-log-entry.entity';
import { ApprovalLogRepository } from './approval-log.repository';
import { ApprovalLogVerifier } from './approval-log.verifier';
import { ApprovalLogWriter } from './approval-log.writer';

/**
 * The approval log: its hash-chained entries, the writer every approval change goes through
 * (approvals, rules, the sync's catalog listener, the catalog's global decline, group deletion,
 * maintenance), and the chain's verifier (the auditor's API). It depends on no other domain, so
 * every writer can import it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ApprovalLogEntryEntity])],
  providers: [ApprovalLogWriter, ApprovalLogRepository, ApprovalLogVerifier],
  exports: [ApprovalLogWriter, ApprovalLogRepository, ApprovalLogVerifier],
})
export class ApprovalLogModule {}
