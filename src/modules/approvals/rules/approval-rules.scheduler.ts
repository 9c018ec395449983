import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobName, QueueName } from '../../../infra/queue/queue-names';
import { EvaluateRulesJob } from './approval-rules.processor';

/** Fixed id: every worker upserts the same scheduler, so there is one, however many workers start. */
export const DAILY_RULES_SCHEDULER_ID = 'rules-daily-soak';

/** 03:00 UTC: rules with delayDays approve an update within a day of it having soaked long enough. */
export const DAILY_RULES_PATTERN = '0 3 * * *';

/** Registers the daily rule pass; its tick only enqueues an EvaluateRules job. */
@Injectable()
export class ApprovalRulesScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueName.Rules) private readonly queue: Queue<EvaluateRulesJob>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      DAILY_RULES_SCHEDULER_ID,
      { pattern: DAILY_RULES_PATTERN, tz: 'UTC' },
      { name: JobName.EvaluateRules, data: {} },
    );
  }
}
