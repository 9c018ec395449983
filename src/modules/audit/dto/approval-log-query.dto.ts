import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page';
import { IsTimestamp } from '../../../common/validation/text.validators';
import { ApprovalLogEntryDto } from '../../approval-log/dto/approval-log-entry.dto';
import { EXPORT_FORMATS, ExportFormat } from '../export/export-format';
import { IsUpdateId } from '../../../common/validation/is-update-id';

export class ApprovalLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional() @IsUpdateId()
  updateId?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ description: 'actor id (a user or API-token id, `rule:<id>`, `sync`) or actor name (case-insensitive)' })
  @IsOptional() @IsString() @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional({ description: 'entries at or after this time' })
  @IsOptional() @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'entries before this time' })
  @IsOptional() @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'by sequence number: oldest first, or newest first' })
  @IsOptional() @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json', description: 'json: one page; csv, ndjson: the whole selection as a download (limit and cursor ignored)' })
  @IsOptional() @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class ApprovalLogListEntryDto extends ApprovalLogEntryDto {
  @ApiProperty({ nullable: true, description: 'the update\'s current title' }) updateTitle: string | null;
  @ApiProperty({ nullable: true, description: 'the group\'s current name; null once deleted, or for a global decline' }) groupName: string | null;
}

/** The newest approval-log entry: published outside the database, it anchors the chain (see docs/auditing.md). */
export class ChainHeadDto {
  @ApiProperty({ nullable: true, description: 'null: the log is empty' }) seq: number | null;
  @ApiProperty({ nullable: true, description: 'sha256, hex' }) hash: string | null;
  @ApiProperty() observedAt: string;
}

export class ChainVerificationDto {
  @ApiProperty({ description: 'every entry chains to the one before and its hash matches its content' }) ok: boolean;
  @ApiProperty({ description: 'entries examined (all of them when ok)' }) checked: number;
  @ApiProperty({ nullable: true, description: 'the first entry that is missing, altered or out of chain' }) firstBrokenSeq: number | null;
  @ApiProperty({ description: 'the chain ends before the last signed checkpoint: entries at its end were removed' }) truncated: boolean;
  @ApiProperty({ nullable: true, description: 'why ok is false; null when ok' }) reason: string | null;
}

/** A signed checkpoint of the approval log's head (docs/auditing.md). */
export class ChainCheckpointDto {
  @ApiProperty({ description: 'the head entry\'s seq (0: the log was empty)' }) seq: number;
  @ApiProperty({ description: 'the head entry\'s hash (64 zeros for an empty log)' }) hash: string;
  @ApiProperty() time: string;
  @ApiProperty({ enum: ['verify', 'daily'] }) reason: 'verify' | 'daily';
  @ApiProperty({ description: 'the signing key (GET /client/v1/keys lists the public keys)' }) keyId: string;
  @ApiProperty({
    description: 'Ed25519 over the UTF-8 bytes of {"log":"patchgate-approval-log","seq":<seq>,"hash":"<hash>","time":"<time>"}, base64',
  })
  signature: string;
}
