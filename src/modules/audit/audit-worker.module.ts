import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { AuditRetention } from './audit-retention.service';
import { AuditModule } from './audit.module';

/** Worker side of auditing: the daily retention and chain-head job (scheduled here, run by MaintenanceProcessor). */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Maintenance }), AuditModule],
  providers: [AuditRetention],
  exports: [AuditRetention],
})
export class AuditWorkerModule {}
