import { ApprovalLogExportRow, SyncRunLogRow } from './audit-logs.repository';
import { AuditEventRow } from './events/audit-events.repository';
import { ExportRecord } from './export/export-format';

const iso = (at: Date | null): string | null => at?.toISOString() ?? null;

/** The flat shapes each log has in JSON pages, CSV columns and NDJSON lines alike. */
export const AUDIT_EVENT_COLUMNS = [
  'id', 'at', 'actorType', 'actorId', 'actorName', 'actorRole', 'action', 'targetType', 'targetId', 'result', 'statusCode', 'clientIp', 'requestId', 'summary',
];

export const toAuditEventRecord = (r: AuditEventRow) => ({
  id: r.id,
  at: r.at.toISOString(),
  actorType: r.actor_type,
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  result: r.result,
  statusCode: r.status_code,
  clientIp: r.client_ip,
  requestId: r.request_id,
  summary: r.summary,
});

export const SYNC_RUN_COLUMNS = [
  'id', 'trigger', 'status', 'requestedBy', 'upstreamKind', 'upstreamUrl', 'products', 'classifications', 'queuedAt', 'startedAt', 'finishedAt',
  'newUpdates', 'revisedUpdates', 'expiredUpdates', 'unchangedUpdates', 'itemsProcessed', 'itemsFiltered', 'pagesProcessed', 'itemErrorCount', 'itemErrors',
  'cursorBefore', 'cursorAfter', 'error',
];

export const toSyncRunRecord = (r: SyncRunLogRow) => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  requestedBy: r.requested_by,
  upstreamKind: r.upstream_kind,
  upstreamUrl: r.upstream_url,
  products: r.products,
  classifications: r.classifications,
  queuedAt: r.queued_at.toISOString(),
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
  newUpdates: r.new_updates,
  revisedUpdates: r.revised_updates,
  expiredUpdates: r.expired_updates,
  unchangedUpdates: r.unchanged_updates,
  itemsProcessed: r.items_processed,
  itemsFiltered: r.items_filtered,
  pagesProcessed: r.pages_processed,
  itemErrorCount: r.item_error_count,
  itemErrors: r.item_errors,
  cursorBefore: r.cursor_before,
  cursorAfter: r.cursor_after,
  error: r.error,
});

export const APPROVAL_LOG_COLUMNS = [
  'seq', 'at', 'actorType', 'actorId', 'actorName', 'actorRole', 'updateId', 'updateTitle', 'revision', 'groupId', 'groupName',
  'previousDecision', 'newDecision', 'status', 'deadline', 'optional', 'reason', 'source', 'ruleId', 'prevHash', 'hash',
];

export const toApprovalLogRecord = (r: ApprovalLogExportRow): ExportRecord => ({
  seq: Number(r.seq),
  at: r.at.toISOString(),
  actorType: r.actor_type,
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  updateId: r.update_id,
  updateTitle: r.update_title,
  revision: r.revision,
  groupId: r.group_id,
  groupName: r.group_name,
  previousDecision: r.previous_decision,
  newDecision: r.new_decision,
  status: r.status,
  deadline: iso(r.deadline),
  optional: r.optional,
  reason: r.reason,
  source: r.source,
  ruleId: r.rule_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});
