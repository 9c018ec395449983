import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page';
import { IsTimestamp } from '../../../common/validation/text.validators';
import { SYNC_RUN_STATUSES, SyncRunStatus } from '../../catalog/sync/entities/sync-run.entity';
import { AUDIT_ACTOR_TYPES, AUDIT_RESULTS, AuditResult } from '../events/audit-event';
import { EXPORT_FORMATS, ExportFormat } from '../export/export-format';

/** `from`, `to`, `order` and `format`, shared by the three logs. */
export class AuditLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'at or after this time' })
  @IsOptional() @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'before this time' })
  @IsOptional() @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'oldest first, or newest first' })
  @IsOptional() @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json', description: 'json: one page; csv, ndjson: the whole selection as a download (limit and cursor ignored)' })
  @IsOptional() @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class AuditEventQueryDto extends AuditLogQueryDto {
  @ApiPropertyOptional({ description: 'actor id (user or API-token id) or actor name (case-insensitive)' })
  @IsOptional() @IsString() @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional({ example: 'POST /api/v1/groups', description: 'method and route pattern, exactly' })
  @IsOptional() @IsString() @MaxLength(200)
  action?: string;

  @ApiPropertyOptional({ example: 'group' })
  @IsOptional() @IsString() @MaxLength(64)
  targetType?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(200)
  targetId?: string;

  @ApiPropertyOptional({ enum: AUDIT_RESULTS })
  @IsOptional() @IsIn(AUDIT_RESULTS)
  result?: AuditResult;
}

export class SyncRunLogQueryDto extends AuditLogQueryDto {
  @ApiPropertyOptional({ enum: SYNC_RUN_STATUSES })
  @IsOptional() @IsIn(SYNC_RUN_STATUSES)
  status?: SyncRunStatus;
}

export class AuditEventDto {
  @ApiProperty() id: string;
  @ApiProperty() at: string;
  @ApiProperty({ enum: AUDIT_ACTOR_TYPES }) actorType: string;
  @ApiProperty({ nullable: true }) actorId: string | null;
  @ApiProperty({ nullable: true, description: 'username or API-token name; for a failed login, the name tried' }) actorName: string | null;
  @ApiProperty({ nullable: true }) actorRole: string | null;
  @ApiProperty({ example: 'PATCH /api/v1/groups/:id' }) action: string;
  @ApiProperty({ nullable: true, example: 'group' }) targetType: string | null;
  @ApiProperty({ nullable: true }) targetId: string | null;
  @ApiProperty({ enum: AUDIT_RESULTS }) result: AuditResult;
  @ApiProperty({ nullable: true }) statusCode: number | null;
  @ApiProperty({ nullable: true }) clientIp: string | null;
  @ApiProperty({ nullable: true, description: 'the request id of the access log' }) requestId: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'the request body, secrets redacted, size capped; `error` for a failed or denied call' })
  summary: Record<string, unknown> | null;
}

export class SyncRunLogEntryDto {
  @ApiProperty() id: string;
  @ApiProperty() trigger: string;
  @ApiProperty({ enum: SYNC_RUN_STATUSES }) status: SyncRunStatus;
  @ApiProperty({ nullable: true }) requestedBy: string | null;
  @ApiProperty() upstreamKind: string;
  @ApiProperty() upstreamUrl: string;
  @ApiProperty({ type: [String] }) products: string[];
  @ApiProperty({ type: [String] }) classifications: string[];
  @ApiProperty() queuedAt: string;
  @ApiProperty({ nullable: true }) startedAt: string | null;
  @ApiProperty({ nullable: true }) finishedAt: string | null;
  @ApiProperty() newUpdates: number;
  @ApiProperty() revisedUpdates: number;
  @ApiProperty() expiredUpdates: number;
  @ApiProperty() unchangedUpdates: number;
  @ApiProperty() itemsProcessed: number;
  @ApiProperty() itemsFiltered: number;
  @ApiProperty() pagesProcessed: number;
  @ApiProperty() itemErrorCount: number;
  @ApiProperty({ type: [Object] }) itemErrors: unknown[];
  @ApiProperty({ nullable: true }) cursorBefore: string | null;
  @ApiProperty({ nullable: true }) cursorAfter: string | null;
  @ApiProperty({ nullable: true }) error: string | null;
}
