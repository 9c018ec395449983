import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CatalogChange, CatalogChangeListener } from '../catalog/catalog-change.listener';
import { GroupsRepository } from '../groups/groups.repository';
import { SettingsService } from '../settings/settings.service';
import { ApprovalStatus } from '../approval-log/approval-decision';
import { SYNC_ACTOR } from '../approval-log/approval-log-actor';
import { NewLogEntry } from '../approval-log/approval-log-entry';
import { ApprovalLogWriter } from '../approval-log/approval-log.writer';
import { ApprovalsRepository } from './approvals.repository';

/**
 * What a sync batch means for approvals (docs/design.md §1), written in the batch's own transaction:
 * - a new revision keeps the update's approvals, carried over to it and logged (source `sync`),
 *   when the server setting `approveNewRevisions` is on (the default, as in WSUS);
 * - its install approvals are suspended instead (`needs_review`, not offered) until an admin
 *   approves again, with the reason logged, when the revision newly requires a EULA, when its
 *   files (names, URLs, SHA-256 or sizes) differ from the previous revision's (whatever the
 *   setting: whoever controls the upstream must not get other bytes installed on approved
 *   computers), or when `approveNewRevisions` is off;
 * - an expired update loses its install approvals (logged). Its other decisions stay: an expired
 *   update is offered to nobody, so they are inert, and they record what admins decided.
 * Re-delivering the same change is a no-op: an approval already at the revision is left alone.
 */
@Injectable()
export class ApprovalsCatalogListener implements CatalogChangeListener {
  constructor(
    private readonly approvals: ApprovalsRepository,
    private readonly groups: GroupsRepository,
    private readonly log: ApprovalLogWriter,
    private readonly settings: SettingsService,
  ) {}

  async onCatalogChanges(manager: EntityManager, changes: CatalogChange[], context: { syncRunId: string }): Promise<void> {
    const relevant = new Map(changes.filter((c) => c.kind === 'revised' || c.kind === 'expired').map((c) => [c.updateId.toLowerCase(), c]));
    if (!relevant.size) return;
    // The sync already holds the rows of these updates; the chain lock comes after them.
    await this.log.lock(manager);
    const approvals = await this.approvals.findApprovalsOfUpdates(manager, [...relevant.keys()]);
    const approveNewRevisions = approvals.length ? await this.settings.approveNewRevisions(manager) : true;
    const removed: { updateId: string; groupId: string }[] = [];
    const carried: { updateId: string; groupId: string; revision: number; status: ApprovalStatus; updatedBy?: string }[] = [];
    const entries: NewLogEntry[] = [];
    const run = `sync run ${context.syncRunId}`;

    for (const approval of approvals) {
      const change = relevant.get(approval.updateId)!;
      const revision = change.currentRevision;
      const entry = {
        actor: SYNC_ACTOR,
        updateId: approval.updateId,
        revision,
        groupId: approval.groupId,
        previousDecision: approval.decision,
        deadline: approval.deadline,
        optional: approval.optional,
        source: 'sync' as const,
        ruleId: null,
      };
      if (change.kind === 'expired') {
        if (approval.decision !== 'install') continue;
        removed.push(approval);
        entries.push({ ...entry, newDecision: 'none', status: null, deadline: null, optional: false, reason: `update expired (revision ${revision}, ${run}): install approval removed` });
        continue;
      }
      if (approval.revision === revision) continue;
      const review = !(approval.decision === 'install' && approval.status === 'active')
        ? null
        : change.newlyRequiresEula
          ? `revision ${revision} newly requires a EULA`
          : change.filesChanged
            ? `revision ${revision} changes the update's files (names, URLs, SHA-256 or sizes)`
            : !approveNewRevisions
              ? `revision ${revision} is new and approveNewRevisions is off`
              : null;
      if (review) {
        carried.push({ updateId: approval.updateId, groupId: approval.groupId, revision, status: 'needs_review', updatedBy: SYNC_ACTOR.name });
        entries.push({
          ...entry,
          newDecision: 'install',
          status: 'needs_review',
          reason: `${review} (${run}): install suspended until an admin approves again`,
        });
        continue;
      }
      carried.push({ updateId: approval.updateId, groupId: approval.groupId, revision, status: approval.status });
      entries.push({ ...entry, newDecision: approval.decision, status: approval.status, reason: `kept for revision ${revision} (${run})` });
    }

    await this.approvals.deleteApprovals(manager, removed);
    await this.approvals.setRevisionAndStatus(manager, carried);
    await this.groups.bumpApprovalVersions(manager, [...removed, ...carried].map((a) => a.groupId));
    await this.log.append(manager, entries);
  }
}
