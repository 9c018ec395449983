import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../../infra/config/app-config';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { AuditLogsRepository } from './audit-logs.repository';
import { ApprovalLogCheckpoints } from './checkpoints/approval-log-checkpoints.service';
import { SYSTEM_ACTOR } from './events/audit-event';
import { AuditEventsRepository } from './events/audit-events.repository';
import { AuditTrail } from './events/audit-trail.service';

/** Fixed id: however many workers start, the daily schedule exists once. */
export const AUDIT_RETENTION_SCHEDULER_ID = 'audit-event-retention';

export interface AuditRetentionOutcome {
  deleted: number;
  olderThan: string | null;
  approvalLogHead: { seq: number; hash: string } | null;
}

/**
 * The daily audit job: prunes audit events past PATCHGATE_AUDIT_EVENT_RETENTION_DAYS (nothing when
 * unset) and records the pruning as an audit event; and logs the approval log's chain head at
 * info level and stores a signed checkpoint of it, so the log stream holds an anchor outside the
 * database and a cut-short chain is detected by the next verification. The approval log and the
 * sync log are never pruned. Its jobs run on the maintenance queue, whose one processor
 * (MaintenanceProcessor) calls run().
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditRetention.name);

  constructor(
    private readonly config: AppConfig,
    private readonly events: AuditEventsRepository,
    private readonly logs: AuditLogsRepository,
    private readonly trail: AuditTrail,
    private readonly checkpoints: ApprovalLogCheckpoints,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(AUDIT_RETENTION_SCHEDULER_ID, { pattern: '41 3 * * *' }, { name: JobName.PruneAuditEvents });
  }

  async run(now = new Date()): Promise<AuditRetentionOutcome> {
    const approvalLogHead = await this.logs.findApprovalChainHead();
    this.logger.log({ approvalLogHead }, 'approval log chain head');
    // The daily signed checkpoint of the head (src/modules/audit/checkpoints).
    await this.checkpoints.record('daily', now);
    const days = this.config.auditEventRetentionDays;
    if (days === null) return { deleted: 0, olderThan: null, approvalLogHead };
    const olderThan = new Date(now.getTime() - days * 24 * 3600 * 1000);
    const deleted = await this.events.pruneOlderThan(olderThan);
    await this.trail.record({
      actor: SYSTEM_ACTOR,
      action: `job ${JobName.PruneAuditEvents}`,
      targetType: 'audit-event',
      targetId: null,
      result: 'success',
      statusCode: null,
      clientIp: null,
      requestId: null,
      summary: { deleted, olderThan: olderThan.toISOString(), retentionDays: days },
    });
    this.logger.log(`pruned ${deleted} audit events older than ${olderThan.toISOString()}`);
    return { deleted, olderThan: olderThan.toISOString(), approvalLogHead };
  }
}
