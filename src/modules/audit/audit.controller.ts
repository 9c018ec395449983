import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/access.decorators';
import { Role } from '../../common/auth/role';
import { Page } from '../../common/pagination/page';
import { AuditService } from './audit.service';
import { ApprovalLogQueryDto, ApprovalLogListEntryDto, ChainCheckpointDto, ChainHeadDto, ChainVerificationDto } from './dto/approval-log-query.dto';
import { AuditEventDto, AuditEventQueryDto, AuditLogQueryDto, SyncRunLogQueryDto } from './dto/audit-query.dto';

const when = (text?: string) => (text ? new Date(text) : undefined);
const timeRange = (query: AuditLogQueryDto) => ({ from: when(query.from), to: when(query.to) });

/** The logs auditors read: JSON pages, or the whole selection as CSV or NDJSON. */
@ApiTags('audit')
@Controller('api/v1/audit')
@Roles(Role.Admin, Role.Auditor)
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The approval log, paged by sequence number. */
  @Get('approvals')
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  approvals(@Query() query: ApprovalLogQueryDto): Promise<Page<ApprovalLogListEntryDto> | StreamableFile> {
    const { limit, cursor, order, from, to, format, ...filter } = query;
    const selection = { ...filter, from: when(from), to: when(to) };
    if (format && format !== 'json') return this.audit.exportApprovalLog(selection, order ?? 'asc', format);
    return this.audit.approvalLog(selection, order ?? 'asc', limit ?? 100, cursor);
  }

  /** The sync log: one row per run, by queue order; `from`/`to` select by the time a run was queued. */
  @Get('sync-runs')
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  syncRuns(@Query() query: SyncRunLogQueryDto): Promise<Page<unknown> | StreamableFile> {
    const filter = { ...timeRange(query), status: query.status };
    if (query.format && query.format !== 'json') return this.audit.exportSyncRuns(filter, query.order ?? 'asc', query.format);
    return this.audit.syncRuns(filter, query.order ?? 'asc', query.limit ?? 100, query.cursor);
  }

  /** Every admin action and every denied call. */
  @Get('events')
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  events(@Query() query: AuditEventQueryDto): Promise<Page<AuditEventDto> | StreamableFile> {
    const filter = { ...timeRange(query), actor: query.actor, action: query.action, targetType: query.targetType, targetId: query.targetId, result: query.result };
    if (query.format && query.format !== 'json') return this.audit.exportAuditEvents(filter, query.order ?? 'asc', query.format);
    return this.audit.auditEvents(filter, query.order ?? 'asc', query.limit ?? 100, query.cursor);
  }

  /** Recomputes the approval log's hash chain and names the first broken entry. */
  @Get('verify')
  @ApiOkResponse({ type: ChainVerificationDto })
  verify(): Promise<ChainVerificationDto> {
    return this.audit.verifyApprovalLog();
  }

  /** Every signed checkpoint of the chain head, oldest first: export them with the log and keep them elsewhere. */
  @Get('approvals/checkpoints')
  @ApiOkResponse({ type: ChainCheckpointDto, isArray: true })
  checkpoints(): Promise<ChainCheckpointDto[]> {
    return this.audit.approvalLogCheckpoints();
  }

  /** The newest approval-log entry's seq and hash: ship it to a store outside the database to anchor the chain. */
  @Get('approvals/head')
  @ApiOkResponse({ type: ChainHeadDto })
  head(): Promise<ChainHeadDto> {
    return this.audit.approvalChainHead();
  }
}
