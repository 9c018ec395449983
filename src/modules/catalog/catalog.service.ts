import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/role';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { ApprovalSource } from '../approval-log/approval-decision';
import { actorOf, LogActor } from '../approval-log/approval-log-actor';
import { NewLogEntry } from '../approval-log/approval-log-entry';
import { ApprovalLogWriter } from '../approval-log/approval-log.writer';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { CatalogRepository, UpdateFilter, UpdateListKey } from './catalog.repository';
import { UpdateDetailDto, UpdateSummaryDto } from './dto/update.dto';
import { UpdateEntity } from './entities/update.entity';
import { UnitOfWork } from '../../infra/database/unit-of-work';

export const toUpdateSummary = (u: UpdateEntity): UpdateSummaryDto => ({
  updateId: u.updateId,
  revision: u.currentRevision,
  title: u.title,
  kb: u.kb,
  classification: u.classification,
  products: u.products,
  severity: u.severity,
  releasedAt: u.releasedAt.toISOString(),
  state: u.state,
  declined: u.declinedAt !== null,
  baseline: u.baseline,
});

/** The approval-log entry of a global decline: no group, it applies to all of them. */
export const globalDeclineEntry = (
  actor: LogActor,
  update: { updateId: string; currentRevision: number },
  reason: string,
  source: ApprovalSource,
): NewLogEntry => ({
  actor,
  updateId: update.updateId,
  revision: update.currentRevision,
  groupId: null,
  previousDecision: 'none',
  newDecision: 'decline',
  status: null,
  deadline: null,
  optional: false,
  reason,
  source,
  ruleId: null,
});

@Injectable()
export class CatalogService {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly approvalLog: ApprovalLogWriter,
    private readonly offerVersions: OfferVersionsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(filter: UpdateFilter, limit: number, cursor?: string): Promise<Page<UpdateSummaryDto>> {
    const after = decodeCursor(cursor, 2) as UpdateListKey | undefined;
    const rows = await this.catalog.findPage(filter, limit + 1, after);
    return toPage(rows, limit, toUpdateSummary, (u) => [u.releasedAt.toISOString(), u.updateId]);
  }

  async get(updateId: string): Promise<UpdateDetailDto> {
    const update = await this.catalog.findUpdate(updateId);
    if (!update) throw new NotFoundError('update', updateId);
    const [revisions, supersededBy, titles] = await Promise.all([
      this.catalog.findRevisions(updateId),
      this.catalog.findSupersededBy(updateId),
      this.catalog.findTitles([...update.supersedes, ...update.prerequisites]),
    ]);
    const current = revisions.find((r) => r.revision === update.currentRevision);
    const related = (ids: string[]) => ids.map((id) => ({ updateId: id, title: titles.get(id) }));
    return {
      updateId,
      current: current!.document,
      revisions: revisions.map((r) => ({ revision: r.revision, state: r.state, requiresEula: r.requiresEula, syncedAt: r.syncedAt.toISOString() })),
      supersedes: related(update.supersedes),
      supersededBy: supersededBy.map((u) => ({ updateId: u.updateId, title: u.title })),
      prerequisites: related(update.prerequisites),
      files: update.files,
      declined: update.declinedAt ? { at: update.declinedAt.toISOString(), by: update.declinedBy, reason: update.declineReason } : null,
    };
  }

  /** Declines the update for everyone: no computer is offered it, whatever its group approvals say. */
  async decline(updateId: string, reason: string, actor: Principal): Promise<UpdateDetailDto> {
    await this.unitOfWork.run(async ({ manager, afterCommit }) => {
      const update = await this.catalog.lockUpdate(manager, updateId);
      if (!update) throw new NotFoundError('update', updateId);
      if (update.declinedAt) throw new ConflictError('already_declined', `update ${updateId} is already declined`);
      await this.catalog.markDeclined(manager, updateId, actor.name, reason);
      // Logged like any approval change, in the same transaction.
      await this.approvalLog.append(manager, [globalDeclineEntry(actorOf(actor), update, reason, 'manual')]);
      afterCommit(() => this.offerVersions.bumpCatalog());
    });
    return this.get(updateId);
  }
}
