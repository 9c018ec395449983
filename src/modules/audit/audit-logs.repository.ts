import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApprovalLogFilter, ApprovalLogRepository } from '../approval-log/approval-log.repository';
import { SyncRunStatus } from '../catalog/sync/entities/sync-run.entity';
import { SqlSelection } from './events/audit-events.repository';

export interface SyncRunLogFilter {
  /** runs queued at or after */
  from?: Date;
  /** runs queued before */
  to?: Date;
  status?: SyncRunStatus;
}

/** A sync_runs row as PostgreSQL returns it. */
export interface SyncRunLogRow {
  seq: string;
  id: string;
  trigger: string;
  status: SyncRunStatus;
  requested_by: string | null;
  upstream_kind: string;
  upstream_url: string;
  products: string[];
  classifications: string[];
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  new_updates: number;
  revised_updates: number;
  expired_updates: number;
  unchanged_updates: number;
  items_processed: number;
  items_filtered: number;
  pages_processed: number;
  item_error_count: number;
  item_errors: unknown[];
  cursor_before: string | null;
  cursor_after: string | null;
  error: string | null;
}

/** An approval_log row with today's update title and group name. */
export interface ApprovalLogExportRow {
  seq: string;
  at: Date;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  actor_role: string | null;
  update_id: string;
  revision: number | null;
  group_id: string | null;
  previous_decision: string;
  new_decision: string;
  status: string | null;
  deadline: Date | null;
  optional: boolean;
  reason: string | null;
  source: string;
  rule_id: string | null;
  prev_hash: string;
  hash: string;
  update_title: string | null;
  group_name: string | null;
}

/**
 * Read-only queries the auditor's API needs over logs other modules write (the approval log,
 * the sync log): whole selections for export, pages of the sync log, the chain head.
 */
@Injectable()
export class AuditLogsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly approvalLog: ApprovalLogRepository,
  ) {}

  approvalLogSelection(filter: ApprovalLogFilter, order: 'asc' | 'desc'): SqlSelection {
    return this.approvalLog.selection(filter, order);
  }

  syncRunSelection(filter: SyncRunLogFilter, order: 'asc' | 'desc', afterSeq?: string): SqlSelection {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.from) where.push(`queued_at >= ${param(filter.from)}`);
    if (filter.to) where.push(`queued_at < ${param(filter.to)}`);
    if (filter.status) where.push(`status = ${param(filter.status)}`);
    if (afterSeq !== undefined) where.push(`seq ${order === 'asc' ? '>' : '<'} ${param(afterSeq)}::bigint`);
    const sql = `SELECT * FROM sync_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order === 'asc' ? 'ASC' : 'DESC'}`;
    return { sql, params };
  }

  findSyncRunPage(filter: SyncRunLogFilter, order: 'asc' | 'desc', limit: number, afterSeq?: string): Promise<SyncRunLogRow[]> {
    const { sql, params } = this.syncRunSelection(filter, order, afterSeq);
    return this.dataSource.query(`${sql} LIMIT $${params.length + 1}`, [...params, limit]);
  }

  /** The newest approval-log entry: what to publish outside the database to anchor the chain. */
  async findApprovalChainHead(): Promise<{ seq: number; hash: string } | null> {
    const rows: { seq: string; hash: string }[] = await this.dataSource.query('SELECT seq, hash FROM approval_log ORDER BY seq DESC LIMIT 1');
    return rows.length ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
  }
}
