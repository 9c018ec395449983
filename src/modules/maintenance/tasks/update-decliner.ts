import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MAINTENANCE_ACTOR } from '../../approval-log/approval-log-actor';
import { ApprovalLogWriter } from '../../approval-log/approval-log.writer';
import { CatalogRepository, DeclineCandidate } from '../../catalog/catalog.repository';
import { globalDeclineEntry } from '../../catalog/catalog.service';
import { OfferVersionsService } from '../../offer-versions/offer-versions.service';
import { TaskBatch } from './maintenance-task';

/**
 * Declines updates for everyone as the maintenance actor, as an admin's global decline does: one
 * approval-log entry each (source `maintenance`) in the same transaction, the catalog version
 * bumped after the commit. The candidates' `updates` rows must already be locked (the log
 * writer's lock order).
 */
@Injectable()
export class UpdateDecliner {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly approvalLog: ApprovalLogWriter,
    private readonly offerVersions: OfferVersionsService,
  ) {}

  async decline(manager: EntityManager, candidates: DeclineCandidate[], reasonOf: (c: DeclineCandidate) => string, limit: number): Promise<TaskBatch> {
    const declines = candidates.map((c) => ({ ...c, reason: reasonOf(c) }));
    if (declines.length) {
      await this.catalog.markAllDeclined(manager, declines, MAINTENANCE_ACTOR.name);
      await this.approvalLog.append(
        manager,
        declines.map((d) => globalDeclineEntry(MAINTENANCE_ACTOR, d, d.reason, 'maintenance')),
      );
    }
    return {
      count: declines.length,
      done: declines.length < limit,
      afterCommit: declines.length ? () => this.offerVersions.bumpCatalog() : undefined,
    };
  }
}
