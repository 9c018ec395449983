import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const UPSTREAM_PAGE_MAX = 500;
export const UPSTREAM_PAGE_DEFAULT = 100;

export class UpstreamCatalogQueryDto {
  @ApiPropertyOptional({ description: 'the `nextCursor` of the previous page; omitted on the first request of a first sync' })
  @IsOptional() @IsString() @MaxLength(200)
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: UPSTREAM_PAGE_MAX, default: UPSTREAM_PAGE_DEFAULT })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(UPSTREAM_PAGE_MAX)
  limit?: number;
}

/** For OpenAPI: the page format of docs/upstream-feed.md. */
export class UpstreamCatalogPageDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'update revisions, oldest change first' })
  items: object[];

  @ApiProperty({ nullable: true, description: 'send it back as `since`; null: caught up' })
  nextCursor: string | null;
}
