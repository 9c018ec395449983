import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CONTENT_MODES, ContentMode } from '../content-mode';

export class SetContentConfigDto {
  @ApiProperty({ enum: CONTENT_MODES, description: '`none`: agents fetch upstream URLs; `on_approval`: files of updates approved for install are stored; `all`: every synced file is stored' })
  @IsIn(CONTENT_MODES)
  mode: ContentMode;
}

export class ContentConfigDto {
  @ApiProperty({ enum: CONTENT_MODES }) mode: ContentMode;
  @ApiProperty({ description: 'false: no admin set a mode yet; the initial mode (PATCHGATE_CONTENT_MODE) applies' }) explicit: boolean;
  @ApiProperty({ nullable: true }) updatedAt: string | null;
  @ApiProperty({ nullable: true }) updatedBy: string | null;
}

export class ContentStatusQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100, description: 'failures listed at most' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  failureLimit?: number;
}

export class ContentFailureDto {
  @ApiProperty() sha256: string;
  @ApiProperty() size: number;
  @ApiProperty() url: string;
  @ApiProperty({ description: 'the update whose URL failed' }) updateId: string;
  @ApiProperty() revision: number;
  @ApiProperty({ nullable: true }) reason: string | null;
  @ApiProperty() failedAt: string;
}

export class ContentFileCountsDto {
  @ApiProperty({ description: 'needed, not yet downloaded and verified' }) pending: number;
  @ApiProperty({ description: 'downloaded, verified, served' }) stored: number;
  @ApiProperty({ description: 'download or verification failed; retried once a new revision names the file' }) failed: number;
}

export class ContentStatusDto {
  @ApiProperty({ enum: CONTENT_MODES }) mode: ContentMode;
  @ApiProperty() files: ContentFileCountsDto;
  @ApiProperty() bytesStored: number;
  @ApiProperty({ type: [ContentFailureDto], description: 'newest first, at most failureLimit' }) failures: ContentFailureDto[];
}
