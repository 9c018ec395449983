import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/page';
import { CLASSIFICATIONS, Classification } from '../../update-revision';
import { SYNC_RUN_STATUSES, SYNC_TRIGGERS, SyncRunStatus, SyncTrigger } from '../entities/sync-run.entity';
import { UpstreamKind } from '../upstreams/upstream-kind';
import { UPSTREAM_KINDS } from '../upstreams/upstream-kinds';

export class ListSyncRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SYNC_RUN_STATUSES })
  @IsOptional() @IsIn(SYNC_RUN_STATUSES)
  status?: SyncRunStatus;
}

export class StartedSyncRunDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: SYNC_RUN_STATUSES }) status: SyncRunStatus;
}

export class SyncRunUpstreamDto {
  @ApiProperty({ enum: UPSTREAM_KINDS.map((k) => k.kind) }) kind: UpstreamKind;
  @ApiProperty() url: string;
}

export class SyncRunFiltersDto {
  @ApiProperty({ type: [String], description: 'empty: every product' }) products: string[];
  @ApiProperty({ enum: CLASSIFICATIONS, isArray: true, description: 'empty: every classification' }) classifications: Classification[];
}

export class SyncRunProgressDto {
  @ApiProperty({ description: 'pages read and committed' }) pagesProcessed: number;
  @ApiProperty({ description: 'items read (valid, invalid and filtered out)' }) itemsProcessed: number;
  @ApiProperty({ description: 'valid items left out by the product or classification filter' }) itemsFiltered: number;
}

export class SyncItemErrorDto {
  @ApiProperty({ nullable: true, description: "the item's updateId when it is a string" }) updateId: string | null;
  @ApiProperty({ example: 'files[0].sha256: missing' }) reason: string;
}

/** A sync log entry (DESIGN §1 "Sync run"). Counts are per update. */
export class SyncRunSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: SYNC_TRIGGERS }) trigger: SyncTrigger;
  @ApiProperty({ enum: SYNC_RUN_STATUSES }) status: SyncRunStatus;
  @ApiProperty({ nullable: true, description: 'username of whoever started a manual run' }) requestedBy: string | null;
  @ApiProperty({ type: SyncRunUpstreamDto }) upstream: SyncRunUpstreamDto;
  @ApiProperty({ type: SyncRunFiltersDto }) filters: SyncRunFiltersDto;
  @ApiProperty() queuedAt: string;
  @ApiProperty({ nullable: true }) startedAt: string | null;
  @ApiProperty({ nullable: true }) finishedAt: string | null;
  @ApiProperty({ description: 'updates not in the catalog before this run' }) newUpdates: number;
  @ApiProperty({ description: 'updates that got a higher current revision' }) revisedUpdates: number;
  @ApiProperty({ description: 'updates that were active and are now expired' }) expiredUpdates: number;
  @ApiProperty({ description: 'updates in the catalog whose items matched what was stored (an update whose every item was rejected counts in none)' })
  unchangedUpdates: number;
  @ApiProperty({ description: 'items skipped as invalid (all of them; `itemErrors` keeps the first 1000)' }) itemErrorCount: number;
  @ApiProperty({ nullable: true, description: "a Patchgate upstream's cursor the run started from" }) cursorBefore: string | null;
  @ApiProperty({ nullable: true, description: "a Patchgate upstream's cursor after the last committed page; the next run starts there" })
  cursorAfter: string | null;
  @ApiProperty({ nullable: true, description: 'why a failed run failed' }) error: string | null;
  @ApiProperty({ type: SyncRunProgressDto }) progress: SyncRunProgressDto;
}

export class SyncRunDto extends SyncRunSummaryDto {
  @ApiProperty({ type: [SyncItemErrorDto], description: 'invalid items, skipped (the first 1000)' }) itemErrors: SyncItemErrorDto[];
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: "what the upstream's kind fetched; `apt`: per suite, whether its Release was not modified, unchanged or fetched, and the indexes read",
  })
  upstreamLog: Record<string, unknown> | null;
}
