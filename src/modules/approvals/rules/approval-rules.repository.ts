import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Classification, Severity } from '../../catalog/update-revision';
import { ApprovalRuleEntity } from '../entities/approval-rule.entity';

export interface RuleFields {
  name: string;
  enabled: boolean;
  classifications: Classification[];
  products: string[];
  minSeverity: Severity | null;
  groupIds: string[];
  deadlineDays: number | null;
  delayDays: number | null;
}

/** A (update, group) approval a rule made. */
export interface RuleApproval {
  updateId: string;
  groupId: string;
  deadline: Date | null;
  revision: number;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 1, moderate: 2, important: 3, critical: 4 };

@Injectable()
export class ApprovalRulesRepository {
  constructor(@InjectRepository(ApprovalRuleEntity) private readonly rules: Repository<ApprovalRuleEntity>) {}

  findAll(): Promise<ApprovalRuleEntity[]> {
    return this.rules.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Enabled rules, oldest first: when two rules match the same (update, group), the older one approves. */
  findEnabled(): Promise<ApprovalRuleEntity[]> {
    return this.rules.find({ where: { enabled: true }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<ApprovalRuleEntity | null> {
    return this.rules.findOneBy({ id });
  }

  findByName(name: string): Promise<ApprovalRuleEntity | null> {
    return this.rules.createQueryBuilder('r').where('lower(r.name) = lower(:name)', { name }).getOne();
  }

  async insert(fields: RuleFields, by: string): Promise<ApprovalRuleEntity> {
    const saved = await this.rules.save(this.rules.create({ ...fields, updatedBy: by }));
    return (await this.findById(saved.id))!;
  }

  async update(id: string, fields: Partial<RuleFields>, by: string): Promise<ApprovalRuleEntity> {
    await this.rules.update({ id }, { ...fields, updatedBy: by });
    return (await this.findById(id))!;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.rules.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Current updates a rule may approve at all (active, not declined, no EULA to accept), in id
   * order after `afterId`, optionally among `updateIds`.
   */
  async findApprovableUpdateIds(limit: number, afterId: string | null, updateIds?: string[]): Promise<string[]> {
    const params: unknown[] = [limit];
    // Baseline packages of APT releases are not updates: no rule approves them.
    const where = [`u.state = 'active'`, 'u.declined_at IS NULL', 'NOT u.requires_eula', 'NOT u.baseline'];
    if (afterId) where.push(`u.update_id > $${params.push(afterId)}::uuid`);
    if (updateIds) where.push(`u.update_id = ANY($${params.push(updateIds)}::uuid[])`);
    const rows: { update_id: string }[] = await this.rules.query(
      `SELECT u.update_id FROM updates u WHERE ${where.join(' AND ')} ORDER BY u.update_id LIMIT $1`,
      params,
    );
    return rows.map((r) => r.update_id);
  }

  /** Updates that have a revision stored by that sync run. */
  async findUpdateIdsOfSyncRun(syncRunId: string): Promise<string[]> {
    const rows: { update_id: string }[] = await this.rules.query(
      'SELECT DISTINCT update_id FROM update_revisions WHERE sync_run_id = $1 ORDER BY update_id',
      [syncRunId],
    );
    return rows.map((r) => r.update_id);
  }

  /**
   * Share-locks those updates that are still approvable, skipping any a running sync is changing
   * right now (it evaluates the rules again when it finishes): rule evaluation never makes a sync
   * wait, and so cannot deadlock with one.
   */
  async lockApprovableUpdates(manager: EntityManager, updateIds: string[]): Promise<string[]> {
    const rows: { update_id: string }[] = await manager.query(
      `SELECT update_id FROM updates
        WHERE update_id = ANY($1::uuid[]) AND state = 'active' AND declined_at IS NULL AND NOT requires_eula AND NOT baseline
        ORDER BY update_id FOR SHARE SKIP LOCKED`,
      [updateIds],
    );
    return rows.map((r) => r.update_id);
  }

  /**
   * Approves for install, in the rule's groups, those of `updateIds` the rule matches, where that
   * (update, group) has no approval and never had a manual decision: a rule never overrides an
   * admin, not even an admin's "none". Call under the approval-log lock with the updates locked.
   */
  async approveMatching(manager: EntityManager, rule: ApprovalRuleEntity, updateIds: string[], reason: string): Promise<RuleApproval[]> {
    if (!updateIds.length || !rule.groupIds.length) return [];
    const rows: { update_id: string; group_id: string; deadline: Date | null; revision: number }[] = await manager.query(
      `INSERT INTO approvals (update_id, group_id, decision, deadline, optional, reason, revision, status, source, rule_id, updated_by, updated_at)
       SELECT u.update_id, g.id, 'install',
              CASE WHEN $6::int IS NOT NULL AND NOT u.user_input
                   THEN date_trunc('milliseconds', now()) + make_interval(days => $6::int) END,
              false, $9, u.current_revision, 'active', 'rule', $1, $10, now()
         FROM updates u
         JOIN computer_groups g ON g.id = ANY($2::uuid[])
        WHERE u.update_id = ANY($3::uuid[])
          AND u.state = 'active' AND u.declined_at IS NULL AND NOT u.requires_eula AND NOT u.baseline
          AND (cardinality($4::text[]) = 0 OR u.classification = ANY($4::text[]))
          AND (cardinality($5::text[]) = 0 OR EXISTS (
                SELECT 1 FROM unnest(u.products) AS p(path), unnest($5::text[]) AS r(path)
                 WHERE p.path = r.path OR left(p.path, length(r.path) + 1) = r.path || '/'))
          AND ($7::int IS NULL OR CASE u.severity WHEN 'low' THEN 1 WHEN 'moderate' THEN 2 WHEN 'important' THEN 3 WHEN 'critical' THEN 4 END >= $7::int)
          AND ($8::int IS NULL OR u.released_at <= now() - make_interval(days => $8::int))
          AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.update_id = u.update_id AND a.group_id = g.id)
          AND NOT EXISTS (SELECT 1 FROM approval_log l WHERE l.update_id = u.update_id AND l.group_id = g.id AND l.source = 'manual')
        ORDER BY u.update_id, g.id
       ON CONFLICT (update_id, group_id) DO NOTHING
       RETURNING update_id, group_id, deadline, revision`,
      [
        rule.id,
        rule.groupIds,
        updateIds,
        rule.classifications,
        rule.products,
        rule.deadlineDays,
        rule.minSeverity ? SEVERITY_RANK[rule.minSeverity] : null,
        rule.delayDays,
        reason,
        `rule:${rule.id}`,
      ],
    );
    return rows
      .map((r) => ({ updateId: r.update_id, groupId: r.group_id, deadline: r.deadline, revision: r.revision }))
      .sort((a, b) => a.updateId.localeCompare(b.updateId) || a.groupId.localeCompare(b.groupId));
  }
}
