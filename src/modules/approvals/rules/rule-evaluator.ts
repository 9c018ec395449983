import { Injectable, Logger } from '@nestjs/common';
import { ContentQueue } from '../../content/content-queue';
import { GroupsRepository } from '../../groups/groups.repository';
import { OfferVersionsService } from '../../offer-versions/offer-versions.service';
import { ruleActor } from '../../approval-log/approval-log-actor';
import { NewLogEntry } from '../../approval-log/approval-log-entry';
import { ApprovalLogWriter } from '../../approval-log/approval-log.writer';
import { ApprovalRuleEntity } from '../entities/approval-rule.entity';
import { ApprovalRulesRepository } from './approval-rules.repository';
import { UnitOfWork } from '../../../infra/database/unit-of-work';

/** Updates per transaction: bounds lock time and transaction size on a large catalog. */
const BATCH_SIZE = 500;

export interface RuleRunTotals {
  updatesEvaluated: number;
  updatesSkippedBusy: number;
  /** approvals made, per rule id */
  approvalsByRule: Map<string, number>;
}

/**
 * Runs automatic approval rules against the catalog. Idempotent: a rule only fills (update, group)
 * pairs that have no approval and never had a manual one, so running it again, or after a retried
 * job, approves nothing twice. Each batch is one transaction: approvals, versions and log entries.
 */
@Injectable()
export class RuleEvaluator {
  private readonly logger = new Logger(RuleEvaluator.name);

  constructor(
    private readonly rules: ApprovalRulesRepository,
    private readonly groups: GroupsRepository,
    private readonly log: ApprovalLogWriter,
    private readonly offerVersions: OfferVersionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly contentQueue: ContentQueue,
  ) {}

  /** The enabled rules against the updates a sync run stored revisions of. */
  async evaluateSyncRun(syncRunId: string): Promise<RuleRunTotals> {
    const updateIds = await this.rules.findUpdateIdsOfSyncRun(syncRunId);
    const totals = await this.evaluate(await this.rules.findEnabled(), updateIds);
    this.logger.log(`rules after sync run ${syncRunId}: ${updateIds.length} update(s), ${sum(totals)} approval(s)`);
    return totals;
  }

  /** `rules` (default: the enabled ones) against every current update: the daily soak pass and `apply`. */
  async evaluateCatalog(rules?: ApprovalRuleEntity[]): Promise<RuleRunTotals> {
    const totals = await this.evaluate(rules ?? (await this.rules.findEnabled()), undefined);
    this.logger.log(`rules over the catalog: ${totals.updatesEvaluated} update(s), ${sum(totals)} approval(s)`);
    return totals;
  }

  private async evaluate(rules: ApprovalRuleEntity[], updateIds: string[] | undefined): Promise<RuleRunTotals> {
    const totals: RuleRunTotals = { updatesEvaluated: 0, updatesSkippedBusy: 0, approvalsByRule: new Map(rules.map((r) => [r.id, 0])) };
    const active = rules.filter((r) => r.groupIds.length);
    if (!active.length || (updateIds && !updateIds.length)) return totals;
    let after: string | null = null;
    for (;;) {
      const batch = await this.rules.findApprovableUpdateIds(BATCH_SIZE, after, updateIds);
      if (!batch.length) return totals;
      after = batch[batch.length - 1];
      await this.unitOfWork.run(async (tx) => {
        const { manager } = tx;
        const locked = await this.rules.lockApprovableUpdates(manager, batch);
        totals.updatesEvaluated += locked.length;
        totals.updatesSkippedBusy += batch.length - locked.length;
        await this.log.lock(manager);
        const entries: NewLogEntry[] = [];
        for (const rule of active) {
          const made = await this.rules.approveMatching(manager, rule, locked, `automatic approval rule "${rule.name}"`);
          totals.approvalsByRule.set(rule.id, (totals.approvalsByRule.get(rule.id) ?? 0) + made.length);
          for (const approval of made) {
            entries.push({
              actor: ruleActor(rule),
              updateId: approval.updateId,
              revision: approval.revision,
              groupId: approval.groupId,
              previousDecision: 'none',
              newDecision: 'install',
              status: 'active',
              deadline: approval.deadline,
              optional: false,
              reason: `automatic approval rule "${rule.name}"`,
              source: 'rule',
              ruleId: rule.id,
            });
          }
        }
        await this.groups.bumpApprovalVersions(manager, entries.map((e) => e.groupId!));
        await this.log.append(manager, entries);
        tx.afterCommit(() => this.offerVersions.bumpGroups(entries.map((e) => e.groupId!)));
        // Every approval a rule makes is an install: its files are needed in a storing content mode.
        tx.afterCommit(() => this.contentQueue.requestFiles(entries.map((e) => e.updateId)));
      });
    }
  }
}

function sum(totals: RuleRunTotals): number {
  return [...totals.approvalsByRule.values()].reduce((a, b) => a + b, 0);
}
