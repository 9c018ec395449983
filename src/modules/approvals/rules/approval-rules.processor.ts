import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { HandlesJobs } from '../../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../../infra/queue/queue-names';
import { RuleEvaluator } from './rule-evaluator';

/**
 * Data of JobName.EvaluateRules. With `syncRunId` (enqueued by the sync, jobId
 * `rules-after-sync-<runId>`): the updates that run brought. Without: the whole catalog (the daily
 * soak pass of the scheduler).
 */
export interface EvaluateRulesJob {
  syncRunId?: string;
}

export interface EvaluateRulesResult {
  updatesEvaluated: number;
  approvalsCreated: number;
  updatesSkippedBusy: number;
}

@Processor(QueueName.Rules)
@HandlesJobs(QueueName.Rules, JobName.EvaluateRules)
export class ApprovalRulesProcessor extends WorkerHost {
  constructor(private readonly evaluator: RuleEvaluator) {
    super();
  }

  async process(job: Job<EvaluateRulesJob>): Promise<EvaluateRulesResult> {
    if (job.name !== JobName.EvaluateRules) throw new Error(`queue ${QueueName.Rules} has no handler for job ${job.name}`);
    const totals = job.data?.syncRunId ? await this.evaluator.evaluateSyncRun(job.data.syncRunId) : await this.evaluator.evaluateCatalog();
    return {
      updatesEvaluated: totals.updatesEvaluated,
      approvalsCreated: [...totals.approvalsByRule.values()].reduce((a, b) => a + b, 0),
      updatesSkippedBusy: totals.updatesSkippedBusy,
    };
  }
}
