import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApprovalLogRecord } from './approval-log-entry';

export interface ApprovalLogFilter {
  updateId?: string;
  groupId?: string;
  /** an actor id (`rule:<id>`, `sync`, a user id) or, case-insensitively, an actor name */
  actor?: string;
  from?: Date;
  to?: Date;
}

/** An entry with the names a reader needs; the names are today's (null once the group is deleted). */
export interface ApprovalLogListRow extends ApprovalLogRecord {
  updateTitle: string | null;
  groupName: string | null;
}

interface LogRow {
  seq: string;
  at: Date;
  actor_type: ApprovalLogRecord['actorType'];
  actor_id: string | null;
  actor_name: string;
  actor_role: string | null;
  update_id: string;
  revision: number | null;
  group_id: string | null;
  previous_decision: ApprovalLogRecord['previousDecision'];
  new_decision: ApprovalLogRecord['newDecision'];
  status: ApprovalLogRecord['status'];
  deadline: Date | null;
  optional: boolean;
  reason: string | null;
  source: ApprovalLogRecord['source'];
  rule_id: string | null;
  prev_hash: string;
  hash: string;
  update_title?: string | null;
  group_name?: string | null;
}

const toRecord = (r: LogRow): ApprovalLogRecord => ({
  seq: Number(r.seq),
  at: r.at,
  actorType: r.actor_type,
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  updateId: r.update_id,
  revision: r.revision,
  groupId: r.group_id,
  previousDecision: r.previous_decision,
  newDecision: r.new_decision,
  status: r.status,
  deadline: r.deadline,
  optional: r.optional,
  reason: r.reason,
  source: r.source,
  ruleId: r.rule_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** Reads of the approval log; writes go through ApprovalLogWriter only. */
@Injectable()
export class ApprovalLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The one definition of "the approval log, filtered", as SQL: entries with their update's title and
   * group's name, in chain order (or reversed), after `afterSeq` when given. Paged by findPage, streamed
   * whole by the auditors' export.
   */
  selection(filter: ApprovalLogFilter, order: 'asc' | 'desc', afterSeq?: number): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.updateId) where.push(`l.update_id = ${param(filter.updateId)}`);
    if (filter.groupId) where.push(`l.group_id = ${param(filter.groupId)}`);
    if (filter.actor) {
      const actor = param(filter.actor);
      where.push(`(l.actor_id = ${actor} OR lower(l.actor_name) = lower(${actor}))`);
    }
    if (filter.from) where.push(`l.at >= ${param(filter.from)}`);
    if (filter.to) where.push(`l.at < ${param(filter.to)}`);
    if (afterSeq !== undefined) where.push(`l.seq ${order === 'asc' ? '>' : '<'} ${param(afterSeq)}`);
    const sql = `SELECT l.*, u.title AS update_title, g.name AS group_name
                   FROM approval_log l
                   LEFT JOIN updates u ON u.update_id = l.update_id
                   LEFT JOIN computer_groups g ON g.id = l.group_id
                  ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                  ORDER BY l.seq ${order === 'asc' ? 'ASC' : 'DESC'}`;
    return { sql, params };
  }

  async findPage(filter: ApprovalLogFilter, limit: number, afterSeq: number | undefined, order: 'asc' | 'desc'): Promise<ApprovalLogListRow[]> {
    const { sql, params } = this.selection(filter, order, afterSeq);
    const rows: LogRow[] = await this.dataSource.query(`${sql} LIMIT $${params.length + 1}`, [...params, limit]);
    return rows.map((r) => ({ ...toRecord(r), updateTitle: r.update_title ?? null, groupName: r.group_name ?? null }));
  }

  /** Entries after `afterSeq` in chain order, at most `limit`: the verifier walks the chain in these batches. */
  async findChainBatch(afterSeq: number, limit: number): Promise<ApprovalLogRecord[]> {
    const rows: LogRow[] = await this.dataSource.query('SELECT * FROM approval_log WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return rows.map(toRecord);
  }
}
