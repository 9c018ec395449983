import { HttpStatus, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../../common/auth/role';
import { ConflictError, DomainError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { ContentState } from '../content/content-mode';
import { ContentQueue } from '../content/content-queue';
import { ContentService } from '../content/content.service';
import { ComputerGroupEntity } from '../groups/entities/computer-group.entity';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { GroupsRepository } from '../groups/groups.repository';
import { Decision, DecisionOrNone } from '../approval-log/approval-decision';
import { actorOf } from '../approval-log/approval-log-actor';
import { ApprovalLogRecord, NewLogEntry } from '../approval-log/approval-log-entry';
import { toLogEntryDto } from '../approval-log/approval-log-entry.mapper';
import { ApprovalLogWriter } from '../approval-log/approval-log.writer';
import { ApprovalFilter, ApprovalListKey, ApprovalsRepository, pairKey, UpdateForApproval } from './approvals.repository';
import { ApprovalChangeDto, ApprovalDto, SetApprovalDto } from './dto/set-approval.dto';
import { ApprovalEntity } from './entities/approval.entity';
import { UnitOfWork } from '../../infra/database/unit-of-work';

/** `content`: the update's content state (ContentService.contentStatesOf); null until known. */
export const toApprovalDto = (a: ApprovalEntity, names: { groupName: string; updateTitle: string }, content: ContentState | null = null): ApprovalDto => ({
  updateId: a.updateId,
  updateTitle: names.updateTitle,
  groupId: a.groupId,
  groupName: names.groupName,
  decision: a.decision,
  deadline: a.deadline?.toISOString() ?? null,
  optional: a.optional,
  reason: a.reason,
  revision: a.revision,
  status: a.status,
  source: a.source,
  ruleId: a.ruleId,
  updatedAt: a.updatedAt.toISOString(),
  updatedBy: a.updatedBy,
  content,
});

/** One requested change, validated and normalized. */
interface ApprovalRequest {
  index: number;
  updateId: string;
  groupId: string;
  decision: DecisionOrNone;
  deadline: Date | null;
  optional: boolean;
  reason: string | null;
}

/** Names the failing item of a bulk request; a single change has no index. */
type Where = (message: string) => string;

/**
 * Manual approval changes. A request is all or nothing: every item is checked, then, in one
 * transaction, each real change is written with its approval-log entry and its group's version
 * grows. Setting what is already set (same decision, deadline and optional flag, not suspended)
 * is a no-op: 200 with `logEntry: null`, nothing written, no version change, so replays and
 * retries of automation leave no noise in the log.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly approvals: ApprovalsRepository,
    private readonly groups: GroupsRepository,
    private readonly log: ApprovalLogWriter,
    private readonly offerVersions: OfferVersionsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly content: ContentService,
    private readonly contentQueue: ContentQueue,
  ) {}

  async list(filter: ApprovalFilter, limit: number, cursor?: string): Promise<Page<ApprovalDto>> {
    const after = decodeCursor(cursor, 2) as ApprovalListKey | undefined;
    const rows = await this.approvals.findPage(filter, limit + 1, after);
    const contentStates = await this.content.contentStatesOf(rows.map((r) => r.approval));
    const states = new Map(rows.map((r, i) => [r, contentStates[i]]));
    return toPage(rows, limit, (r) => toApprovalDto(r.approval, r, states.get(r)!), (r) => [r.approval.updateId, r.approval.groupId]);
  }

  async setOne(dto: SetApprovalDto, actor: Principal): Promise<ApprovalChangeDto> {
    const [result] = await this.apply([dto], actor, (message) => message);
    return result;
  }

  async setMany(items: SetApprovalDto[], actor: Principal): Promise<ApprovalChangeDto[]> {
    return this.apply(items, actor, null);
  }

  private async apply(items: SetApprovalDto[], actor: Principal, single: Where | null): Promise<ApprovalChangeDto[]> {
    const where = (index: number): Where => single ?? ((message) => `items[${index}]: ${message}`);
    const now = Date.now();
    const extras = (index: number) => (single ? {} : { itemIndex: index });
    const requests = items.map((item, index) => this.checkRequest(item, now, where(index), extras(index), index));
    this.refuseDuplicates(requests, where);

    const answer = await this.unitOfWork.run(async (tx) => {
      const { manager } = tx;
      const updates = await this.approvals.lockUpdatesForApproval(manager, requests.map((r) => r.updateId));
      for (const r of requests) {
        if (!updates.has(r.updateId)) throw new DomainError('not_found', HttpStatus.NOT_FOUND, where(r.index)(`update ${r.updateId} does not exist`), extras(r.index));
      }
      await this.log.lock(manager);
      const groups = new Map((await this.groups.findByIds(requests.map((r) => r.groupId), manager)).map((g) => [g.id, g]));
      for (const r of requests) {
        if (!groups.has(r.groupId)) throw new DomainError('not_found', HttpStatus.NOT_FOUND, where(r.index)(`group ${r.groupId} does not exist`), extras(r.index));
        this.checkAgainstUpdate(r, updates.get(r.updateId)!, where(r.index), extras(r.index));
      }
      const current = await this.approvals.findApprovalsOfPairs(manager, requests);
      const results: { approval: ApprovalEntity | null; entry: NewLogEntry | null; group: ComputerGroupEntity }[] = [];
      for (const r of requests) {
        const before = current.get(pairKey(r.updateId, r.groupId)) ?? null;
        const group = groups.get(r.groupId)!;
        if (isSame(before, r)) {
          results.push({ approval: before, entry: null, group });
          continue;
        }
        const update = updates.get(r.updateId)!;
        const approval = await this.write(manager, r, update, actor);
        results.push({ approval, group, entry: this.entryFor(r, before, update, actor) });
      }
      const changed = results.filter((r) => r.entry);
      const changedGroups = changed.map((r) => r.group.id);
      const newInstalls = changed.filter((r) => r.approval?.decision === 'install').map((r) => r.approval!.updateId);
      // After the commit: a check-in that raced the change recomputes on its next call, and the
      // worker (in a storing content mode) fetches the files of new installs.
      tx.afterCommit(() => this.offerVersions.bumpGroups(changedGroups));
      tx.afterCommit(() => this.contentQueue.requestFiles(newInstalls));
      await this.groups.bumpApprovalVersions(manager, changed.map((r) => r.group.id));
      const written = await this.log.append(manager, changed.map((r) => r.entry!));
      let next = 0;
      return results.map((r): ApprovalChangeDto => {
        const entry: ApprovalLogRecord | null = r.entry ? written[next++] : null;
        return {
          approval: r.approval ? toApprovalDto(r.approval, { groupName: r.group.name, updateTitle: updates.get(r.approval.updateId)!.title }) : null,
          logEntry: entry ? toLogEntryDto(entry) : null,
        };
      });
    });
    const states = await this.content.contentStatesOf(answer.map((r) => r.approval));
    return answer.map((r, i) => (r.approval ? { ...r, approval: { ...r.approval, content: states[i] } } : r));
  }

  /** The checks that need no database: shape of the decision, deadline, flags and reason. */
  private checkRequest(item: SetApprovalDto, now: number, where: Where, extras: object, index: number): ApprovalRequest {
    const bad = (code: string, message: string) => new DomainError(code, HttpStatus.BAD_REQUEST, where(message), { ...extras });
    const deadline = item.deadline ? new Date(item.deadline) : null;
    const reason = item.reason?.trim() ? item.reason.trim() : null;
    if (deadline) {
      if (item.decision !== 'install' && item.decision !== 'uninstall') throw bad('deadline_not_allowed', `a deadline applies only to install or uninstall, not ${item.decision}`);
      if (deadline.getTime() <= now) throw bad('deadline_in_past', `the deadline ${item.deadline} is not in the future`);
    }
    if (item.optional && item.decision !== 'install') throw bad('optional_not_allowed', `only an install can be optional, not ${item.decision}`);
    if (item.decision === 'decline' && !reason) throw bad('reason_required', 'a decline needs a reason');
    return {
      index,
      updateId: item.updateId.toLowerCase(),
      groupId: item.groupId.toLowerCase(),
      decision: item.decision,
      deadline,
      optional: item.optional ?? false,
      reason,
    };
  }

  private refuseDuplicates(requests: ApprovalRequest[], where: (index: number) => Where): void {
    if (requests.length < 2) return;
    const seen = new Map<string, number>();
    for (const r of requests) {
      const key = pairKey(r.updateId, r.groupId);
      const first = seen.get(key);
      if (first !== undefined) {
        throw new DomainError('duplicate_item', HttpStatus.BAD_REQUEST, where(r.index)(`repeats the update and group of items[${first}]`), { itemIndex: r.index });
      }
      seen.set(key, r.index);
    }
  }

  /** The checks that need the update, made while it is share-locked. */
  private checkAgainstUpdate(r: ApprovalRequest, update: UpdateForApproval, where: Where, extras: Record<string, unknown>): void {
    if (r.deadline && update.userInput) {
      throw new DomainError('deadline_needs_unattended_install', HttpStatus.BAD_REQUEST, where('the update needs user input to install, so it cannot have a deadline'), extras);
    }
    if (r.decision === 'install' && update.expired) throw new ConflictError('update_expired', where(`update ${r.updateId} has expired`), extras);
    if (r.decision === 'install' && update.declined) throw new ConflictError('update_declined', where(`update ${r.updateId} is declined for all groups`), extras);
  }

  private async write(manager: EntityManager, r: ApprovalRequest, update: UpdateForApproval, actor: Principal): Promise<ApprovalEntity | null> {
    if (r.decision === 'none') {
      await this.approvals.deleteApprovals(manager, [r]);
      return null;
    }
    // A manual install of a update that requires a EULA stands for the admin's acceptance of it,
    // as in WSUS's approval dialog: it also lifts a suspension (needs_review).
    return this.approvals.upsertApproval(manager, {
      updateId: r.updateId,
      groupId: r.groupId,
      decision: r.decision as Decision,
      deadline: r.deadline,
      optional: r.optional,
      reason: r.reason,
      revision: update.currentRevision,
      status: 'active',
      source: 'manual',
      ruleId: null,
      updatedBy: actor.name,
    });
  }

  private entryFor(r: ApprovalRequest, before: ApprovalEntity | null, update: UpdateForApproval, actor: Principal): NewLogEntry {
    return {
      actor: actorOf(actor),
      updateId: r.updateId,
      revision: update.currentRevision,
      groupId: r.groupId,
      previousDecision: before?.decision ?? 'none',
      newDecision: r.decision,
      status: r.decision === 'none' ? null : 'active',
      deadline: r.deadline,
      optional: r.optional,
      reason: r.reason,
      source: 'manual',
      ruleId: null,
    };
  }
}

/** The request would leave the approval as it is. */
function isSame(before: ApprovalEntity | null, r: ApprovalRequest): boolean {
  if (r.decision === 'none') return before === null;
  return (
    before !== null &&
    before.status === 'active' &&
    before.decision === r.decision &&
    (before.deadline?.getTime() ?? null) === (r.deadline?.getTime() ?? null) &&
    before.optional === r.optional
  );
}
