import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { AuditLogsRepository } from './audit-logs.repository';
import { AuditRetentionProcessor } from './audit-retention.processor';
import { AuditTrailModule } from './events/audit-trail.module';

/** Worker side of auditing: the daily retention and chain-head job. */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Maintenance }), AuditTrailModule],
  providers: [AuditLogsRepository, AuditRetentionProcessor],
})
export class AuditWorkerModule {}
