import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ApprovalSource, ApprovalStatus, Decision } from '../approval-log/approval-decision';
import { ApprovalEntity } from './entities/approval.entity';

/** The decision a computer inherits for one update: the nearest explicit decision on its group path. */
export interface EffectiveDecision {
  updateId: string;
  decision: Decision;
  deadline: Date | null;
  optional: boolean;
  /** `needs_review`: a suspended install, which must not be offered until an admin re-approves */
  status: ApprovalStatus;
  revision: number | null;
  /** the group on the path that holds the decision */
  groupId: string;
}

/** What an approval change needs to know about its update, read under a share lock. */
export interface UpdateForApproval {
  updateId: string;
  title: string;
  currentRevision: number;
  expired: boolean;
  declined: boolean;
  userInput: boolean;
  requiresEula: boolean;
}

export interface ApprovalFilter {
  updateId?: string;
  groupId?: string;
  status?: ApprovalStatus;
}

export type ApprovalListKey = [updateId: string, groupId: string];

export interface ApprovalListRow {
  approval: ApprovalEntity;
  groupName: string;
  updateTitle: string;
}

export interface ApprovalWrite {
  updateId: string;
  groupId: string;
  decision: Decision;
  deadline: Date | null;
  optional: boolean;
  reason: string | null;
  revision: number | null;
  status: ApprovalStatus;
  source: ApprovalSource;
  ruleId: string | null;
  updatedBy: string;
}

interface ApprovalRow {
  update_id: string;
  group_id: string;
  decision: Decision;
  deadline: Date | null;
  optional: boolean;
  reason: string | null;
  revision: number | null;
  status: ApprovalStatus;
  source: ApprovalSource;
  rule_id: string | null;
  updated_at: Date;
  updated_by: string;
  group_name?: string;
  update_title?: string;
}

const toEntity = (r: ApprovalRow): ApprovalEntity =>
  Object.assign(new ApprovalEntity(), {
    updateId: r.update_id,
    groupId: r.group_id,
    decision: r.decision,
    deadline: r.deadline,
    optional: r.optional,
    reason: r.reason,
    revision: r.revision,
    status: r.status,
    source: r.source,
    ruleId: r.rule_id,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  });

/**
 * The one definition of the effective decision, as SQL: for a computer whose group has the path in
 * parameter `pathParam` (ids root..group, as stored in computer_groups.path), the approval of the
 * deepest group on the path wins. No recursion: one index probe per path element on
 * approvals_group_update_idx (index-only), then DISTINCT ON keeps the deepest row per update.
 * Exported so that a query that needs more (the check-in's offer) can embed it as a CTE.
 */
export function effectiveDecisionsSql(pathParam: string, where: string[] = [], limit = ''): string {
  return `SELECT DISTINCT ON (a.update_id) a.update_id, a.decision, a.deadline, a.optional, a.status, a.revision, a.group_id
            FROM unnest(${pathParam}::uuid[]) WITH ORDINALITY AS path(group_id, depth)
            JOIN approvals a ON a.group_id = path.group_id
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY a.update_id, path.depth DESC
           ${limit}`;
}

@Injectable()
export class ApprovalsRepository {
  constructor(@InjectRepository(ApprovalEntity) private readonly approvals: Repository<ApprovalEntity>) {}

  /**
   * The effective decision (effectiveDecisionsSql) of every update, or of `updateIds`, for a
   * computer whose group has `groupPath`. Paged by updateId when `page` is given.
   */
  async findEffectiveDecisions(
    groupPath: string[],
    updateIds?: string[],
    page?: { afterUpdateId?: string; limit: number },
    manager?: EntityManager,
  ): Promise<EffectiveDecision[]> {
    if (!groupPath.length || (updateIds && !updateIds.length)) return [];
    const params: unknown[] = [groupPath];
    const where: string[] = [];
    if (updateIds) where.push(`a.update_id = ANY($${params.push(updateIds)}::uuid[])`);
    if (page?.afterUpdateId) where.push(`a.update_id > $${params.push(page.afterUpdateId)}::uuid`);
    const limit = page ? `LIMIT $${params.push(page.limit)}` : '';
    const rows: { update_id: string; decision: Decision; deadline: Date | null; optional: boolean; status: ApprovalStatus; revision: number | null; group_id: string }[] =
      await (manager ?? this.approvals.manager).query(effectiveDecisionsSql('$1', where, limit), params);
    return rows.map((r) => ({
      updateId: r.update_id,
      decision: r.decision,
      deadline: r.deadline,
      optional: r.optional,
      status: r.status,
      revision: r.revision,
      groupId: r.group_id,
    }));
  }

  async findPage(filter: ApprovalFilter, limit: number, after?: ApprovalListKey): Promise<ApprovalListRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.updateId) where.push(`a.update_id = ${param(filter.updateId)}::uuid`);
    if (filter.groupId) where.push(`a.group_id = ${param(filter.groupId)}::uuid`);
    if (filter.status) where.push(`a.status = ${param(filter.status)}`);
    if (after) where.push(`(a.update_id, a.group_id) > (${param(after[0])}::uuid, ${param(after[1])}::uuid)`);
    const rows: ApprovalRow[] = await this.approvals.query(
      `SELECT a.*, g.name AS group_name, u.title AS update_title
         FROM approvals a
         JOIN computer_groups g ON g.id = a.group_id
         JOIN updates u ON u.update_id = a.update_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.update_id, a.group_id
        LIMIT ${param(limit)}`,
      params,
    );
    return rows.map((r) => ({ approval: toEntity(r), groupName: r.group_name!, updateTitle: r.update_title! }));
  }

  /**
   * Share-locks the updates an approval change depends on (in id order), so a concurrent global
   * decline, expiry or revision waits for the change, or the change for it. Take this before
   * ApprovalLogWriter.lock (see there).
   */
  async lockUpdatesForApproval(manager: EntityManager, updateIds: string[]): Promise<Map<string, UpdateForApproval>> {
    const rows: { update_id: string; title: string; current_revision: number; state: string; declined: boolean; user_input: boolean; requires_eula: boolean }[] =
      await manager.query(
        `SELECT update_id, title, current_revision, state, declined_at IS NOT NULL AS declined, user_input, requires_eula
           FROM updates WHERE update_id = ANY($1::uuid[]) ORDER BY update_id FOR SHARE`,
        [[...new Set(updateIds)]],
      );
    return new Map(
      rows.map((r) => [
        r.update_id,
        {
          updateId: r.update_id,
          title: r.title,
          currentRevision: r.current_revision,
          expired: r.state === 'expired',
          declined: r.declined,
          userInput: r.user_input,
          requiresEula: r.requires_eula,
        },
      ]),
    );
  }

  /** The approvals of these (update, group) pairs, keyed `updateId/groupId`. */
  async findApprovalsOfPairs(manager: EntityManager, pairs: { updateId: string; groupId: string }[]): Promise<Map<string, ApprovalEntity>> {
    if (!pairs.length) return new Map();
    const rows: ApprovalRow[] = await manager.query(
      `SELECT a.* FROM approvals a
         JOIN unnest($1::uuid[], $2::uuid[]) AS pair(update_id, group_id)
           ON a.update_id = pair.update_id AND a.group_id = pair.group_id`,
      [pairs.map((p) => p.updateId), pairs.map((p) => p.groupId)],
    );
    return new Map(rows.map((r) => [pairKey(r.update_id, r.group_id), toEntity(r)]));
  }

  /** Every approval of these updates, by update then group. */
  async findApprovalsOfUpdates(manager: EntityManager, updateIds: string[]): Promise<ApprovalEntity[]> {
    if (!updateIds.length) return [];
    const rows: ApprovalRow[] = await manager.query(
      'SELECT * FROM approvals WHERE update_id = ANY($1::uuid[]) ORDER BY update_id, group_id',
      [updateIds],
    );
    return rows.map(toEntity);
  }

  async upsertApproval(manager: EntityManager, write: ApprovalWrite): Promise<ApprovalEntity> {
    const [row]: ApprovalRow[] = await manager.query(
      `INSERT INTO approvals (update_id, group_id, decision, deadline, optional, reason, revision, status, source, rule_id, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
       ON CONFLICT (update_id, group_id) DO UPDATE SET
         decision = EXCLUDED.decision, deadline = EXCLUDED.deadline, optional = EXCLUDED.optional, reason = EXCLUDED.reason,
         revision = EXCLUDED.revision, status = EXCLUDED.status, source = EXCLUDED.source, rule_id = EXCLUDED.rule_id,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING *`,
      [
        write.updateId, write.groupId, write.decision, write.deadline, write.optional, write.reason, write.revision,
        write.status, write.source, write.ruleId, write.updatedBy,
      ],
    );
    return toEntity(row);
  }

  async deleteApprovals(manager: EntityManager, pairs: { updateId: string; groupId: string }[]): Promise<void> {
    if (!pairs.length) return;
    await manager.query(
      `DELETE FROM approvals a USING unnest($1::uuid[], $2::uuid[]) AS pair(update_id, group_id)
        WHERE a.update_id = pair.update_id AND a.group_id = pair.group_id`,
      [pairs.map((p) => p.updateId), pairs.map((p) => p.groupId)],
    );
  }

  /** Carries approvals over to a new revision of their update, with the status each one gets. */
  async setRevisionAndStatus(
    manager: EntityManager,
    changes: { updateId: string; groupId: string; revision: number; status: ApprovalStatus; updatedBy?: string }[],
  ): Promise<void> {
    if (!changes.length) return;
    await manager.query(
      `UPDATE approvals a
          SET revision = c.revision, status = c.status, updated_at = now(), updated_by = coalesce(c.updated_by, a.updated_by)
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::varchar[], $5::varchar[]) AS c(update_id, group_id, revision, status, updated_by)
        WHERE a.update_id = c.update_id AND a.group_id = c.group_id`,
      [
        changes.map((c) => c.updateId),
        changes.map((c) => c.groupId),
        changes.map((c) => c.revision),
        changes.map((c) => c.status),
        changes.map((c) => c.updatedBy ?? null),
      ],
    );
  }
}

export const pairKey = (updateId: string, groupId: string) => `${updateId.toLowerCase()}/${groupId.toLowerCase()}`;
