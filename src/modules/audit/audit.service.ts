import { Injectable, Logger, StreamableFile } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/page';
import { toLogEntryDto } from '../approval-log/approval-log-entry.mapper';
import { ApprovalLogFilter, ApprovalLogRepository } from '../approval-log/approval-log.repository';
import { APPROVAL_LOG_COLUMNS, AUDIT_EVENT_COLUMNS, SYNC_RUN_COLUMNS, toApprovalLogRecord, toAuditEventRecord, toSyncRunRecord } from './audit-log-records';
import { AuditLogsRepository, SyncRunLogFilter } from './audit-logs.repository';
import { ApprovalLogVerifier } from '../approval-log/approval-log.verifier';
import { ApprovalLogCheckpoints } from './checkpoints/approval-log-checkpoints.service';
import { ApprovalLogListEntryDto, ChainCheckpointDto, ChainHeadDto, ChainVerificationDto } from './dto/approval-log-query.dto';
import { AuditEventDto, SyncRunLogEntryDto } from './dto/audit-query.dto';
import { AuditEventFilter, AuditEventsRepository } from './events/audit-events.repository';
import { StreamedFormat } from './export/export-format';
import { LogExporter } from './export/log-exporter';

type Order = 'asc' | 'desc';

const invalidCursor = () => new DomainError('invalid_cursor', 400, 'cursor is not one this server issued');

/** A bigint key from a cursor, kept as a decimal string. */
function bigintKey(cursor: string | undefined): string | undefined {
  const [key] = (decodeCursor(cursor, 1) ?? []) as unknown[];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^\d{1,19}$/.test(key)) throw invalidCursor();
  return key;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly log: ApprovalLogRepository,
    private readonly verifier: ApprovalLogVerifier,
    private readonly logs: AuditLogsRepository,
    private readonly events: AuditEventsRepository,
    private readonly exporter: LogExporter,
    private readonly checkpoints: ApprovalLogCheckpoints,
  ) {}

  async approvalLog(filter: ApprovalLogFilter, order: Order, limit: number, cursor?: string): Promise<Page<ApprovalLogListEntryDto>> {
    const [afterSeq] = (decodeCursor(cursor, 1) ?? []) as number[];
    if (afterSeq !== undefined && !Number.isSafeInteger(afterSeq)) throw invalidCursor();
    const rows = await this.log.findPage(filter, limit + 1, afterSeq, order);
    return toPage(rows, limit, (r) => ({ ...toLogEntryDto(r), updateTitle: r.updateTitle, groupName: r.groupName }), (r) => [r.seq]);
  }

  exportApprovalLog(filter: ApprovalLogFilter, order: Order, format: StreamedFormat): Promise<StreamableFile> {
    return this.exporter.export({
      log: 'approvals',
      format,
      selection: this.logs.approvalLogSelection(filter, order),
      columns: APPROVAL_LOG_COLUMNS,
      toRecord: toApprovalLogRecord,
    });
  }

  async syncRuns(filter: SyncRunLogFilter, order: Order, limit: number, cursor?: string): Promise<Page<SyncRunLogEntryDto>> {
    const rows = await this.logs.findSyncRunPage(filter, order, limit + 1, bigintKey(cursor));
    return toPage(rows, limit, toSyncRunRecord, (r) => [String(r.seq)]);
  }

  exportSyncRuns(filter: SyncRunLogFilter, order: Order, format: StreamedFormat): Promise<StreamableFile> {
    return this.exporter.export({ log: 'sync-runs', format, selection: this.logs.syncRunSelection(filter, order), columns: SYNC_RUN_COLUMNS, toRecord: toSyncRunRecord });
  }

  async auditEvents(filter: AuditEventFilter, order: Order, limit: number, cursor?: string): Promise<Page<AuditEventDto>> {
    const rows = await this.events.findPage(filter, limit + 1, bigintKey(cursor), order);
    return toPage(rows, limit, toAuditEventRecord, (r) => [String(r.id)]);
  }

  exportAuditEvents(filter: AuditEventFilter, order: Order, format: StreamedFormat): Promise<StreamableFile> {
    return this.exporter.export({ log: 'events', format, selection: this.events.selection(filter, order), columns: AUDIT_EVENT_COLUMNS, toRecord: toAuditEventRecord });
  }

  /**
   * Recomputes the chain, then compares its head with the last signed checkpoint: a head older
   * than it means entries were removed (`truncated`). A sound chain gets a new checkpoint of its
   * head. Also logs the head at info level, so every verification leaves an anchor in the log stream.
   */
  async verifyApprovalLog(): Promise<ChainVerificationDto> {
    const head = await this.logs.findApprovalChainHead();
    const chain = await this.verifier.verify();
    let result: ChainVerificationDto = { ...chain, truncated: false, reason: null };
    if (!chain.ok) {
      result.reason = `entry ${chain.firstBrokenSeq} is missing, altered or out of chain`;
    } else {
      const finding = await this.checkpoints.check(chain.checked);
      if (finding) result = { ok: false, checked: chain.checked, firstBrokenSeq: finding.firstBrokenSeq, truncated: finding.truncated, reason: finding.reason };
      else await this.checkpoints.record('verify');
    }
    this.logger.log({ approvalLogHead: head, ...result }, 'approval log verified');
    return result;
  }

  async approvalLogCheckpoints(): Promise<ChainCheckpointDto[]> {
    return (await this.checkpoints.list()).map(({ seq, hash, time, reason, keyId, signature }) => ({ seq, hash, time, reason, keyId, signature }));
  }

  async approvalChainHead(): Promise<ChainHeadDto> {
    const head = await this.logs.findApprovalChainHead();
    return { seq: head?.seq ?? null, hash: head?.hash ?? null, observedAt: new Date().toISOString() };
  }
}
