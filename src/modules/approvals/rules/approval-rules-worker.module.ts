import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../../infra/queue/queue-names';
import { ApprovalsModule } from '../approvals.module';
import { ApprovalRulesProcessor } from './approval-rules.processor';
import { ApprovalRulesScheduler } from './approval-rules.scheduler';

/** The worker's side of the rules: the EvaluateRules consumer and the daily scheduler. */
@Module({
  imports: [ApprovalsModule, BullModule.registerQueue({ name: QueueName.Rules })],
  providers: [ApprovalRulesProcessor, ApprovalRulesScheduler],
})
export class ApprovalRulesWorkerModule {}
