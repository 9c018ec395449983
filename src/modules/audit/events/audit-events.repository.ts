import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { AuditResult, NewAuditEvent } from './audit-event';

export interface AuditEventFilter {
  from?: Date;
  to?: Date;
  /** an actor id or, case-insensitively, an actor name */
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  result?: AuditResult;
}

/** A row of `audit_events` as PostgreSQL returns it (also what the export streams). */
export interface AuditEventRow {
  id: string;
  at: Date;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  result: AuditResult;
  status_code: number | null;
  client_ip: string | null;
  request_id: string | null;
  summary: Record<string, unknown> | null;
}

export interface SqlSelection {
  sql: string;
  params: unknown[];
}

@Injectable()
export class AuditEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the event, through `runner` when given (to join its transaction); answers the row's id. */
  async insert(event: NewAuditEvent, runner?: QueryRunner): Promise<string> {
    const rows: { id: string }[] = await (runner ?? this.dataSource).query(
      `INSERT INTO audit_events (actor_type, actor_id, actor_name, actor_role, action, target_type, target_id, result, status_code, client_ip, request_id, summary)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        event.actor.type,
        event.actor.id?.slice(0, 100) ?? null,
        event.actor.name?.slice(0, 100) ?? null,
        event.actor.role,
        event.action.slice(0, 200),
        event.targetType?.slice(0, 64) ?? null,
        event.targetId?.slice(0, 200) ?? null,
        event.result,
        event.statusCode,
        event.clientIp?.slice(0, 64) ?? null,
        event.requestId?.slice(0, 128) ?? null,
        event.summary === null ? null : JSON.stringify(event.summary),
      ],
    );
    return String(rows[0].id);
  }

  /**
   * Names what a create made, once the handler returns its id: the event itself was written inside
   * the change's transaction, before that id was known to the HTTP layer.
   */
  async setTarget(id: string, targetId: string): Promise<void> {
    await this.dataSource.query('UPDATE audit_events SET target_id = $2 WHERE id = $1 AND target_id IS NULL', [id, targetId.slice(0, 200)]);
  }

  async findPage(filter: AuditEventFilter, limit: number, afterId: string | undefined, order: 'asc' | 'desc'): Promise<AuditEventRow[]> {
    const { sql, params } = this.selection(filter, order, afterId);
    return this.dataSource.query(`${sql} LIMIT $${params.length + 1}`, [...params, limit]);
  }

  /** The whole selection, in order, for a cursor to stream. */
  selection(filter: AuditEventFilter, order: 'asc' | 'desc', afterId?: string): SqlSelection {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.from) where.push(`at >= ${param(filter.from)}`);
    if (filter.to) where.push(`at < ${param(filter.to)}`);
    if (filter.actor) {
      const actor = param(filter.actor);
      where.push(`(actor_id = ${actor} OR lower(actor_name) = lower(${actor}))`);
    }
    if (filter.action) where.push(`action = ${param(filter.action)}`);
    if (filter.targetType) where.push(`target_type = ${param(filter.targetType)}`);
    if (filter.targetId) where.push(`target_id = ${param(filter.targetId)}`);
    if (filter.result) where.push(`result = ${param(filter.result)}`);
    if (afterId !== undefined) where.push(`id ${order === 'asc' ? '>' : '<'} ${param(afterId)}::bigint`);
    const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order === 'asc' ? 'ASC' : 'DESC'}`;
    return { sql, params };
  }

  /** Deletes events older than `olderThan` in batches, so no statement holds many locks or a long transaction. */
  async pruneOlderThan(olderThan: Date, batchSize = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const result: [unknown[], number] = await this.dataSource.query(
        'DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < $1 ORDER BY id LIMIT $2)',
        [olderThan, batchSize],
      );
      total += result[1];
      if (result[1] < batchSize) return total;
    }
  }
}
