import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { ApprovalLogModule } from '../approval-log/approval-log.module';
import { AuditLogsRepository } from './audit-logs.repository';
import { AuditRetention } from './audit-retention.service';
import { AuditTrailModule } from './events/audit-trail.module';

/** Worker side of auditing: the daily retention and chain-head job (run by MaintenanceProcessor). */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Maintenance }), AuditTrailModule, ApprovalLogModule],
  providers: [AuditLogsRepository, AuditRetention],
  exports: [AuditRetention],
})
export class AuditWorkerModule {}
