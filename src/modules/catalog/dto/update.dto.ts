import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { CLASSIFICATIONS, Classification, SEVERITIES, Severity, UPDATE_STATES, UpdateFile, UpdateRevisionData, UpdateState } from '../update-revision';

export class UpdateFileDto implements UpdateFile {
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty() sha256: string;
  @ApiProperty() size: number;
}

export class UpdateSummaryDto {
  @ApiProperty() updateId: string;
  @ApiProperty() revision: number;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String] }) kb: string[];
  @ApiProperty({ enum: CLASSIFICATIONS }) classification: Classification;
  @ApiProperty({ type: [String] }) products: string[];
  @ApiProperty({ enum: SEVERITIES, nullable: true }) severity: Severity | null;
  @ApiProperty() releasedAt: string;
  @ApiProperty({ enum: UPDATE_STATES }) state: UpdateState;
  @ApiProperty() declined: boolean;
  @ApiProperty({ description: 'a baseline package of an APT release (docs/debian.md): installable by every computer, not an update to approve' })
  baseline: boolean;
}

export class RelatedUpdateDto {
  @ApiProperty() updateId: string;
  @ApiPropertyOptional({ description: 'absent when the catalog does not hold that update' }) title?: string;
}

export class RevisionSummaryDto {
  @ApiProperty() revision: number;
  @ApiProperty({ enum: UPDATE_STATES }) state: UpdateState;
  @ApiProperty() requiresEula: boolean;
  @ApiProperty() syncedAt: string;
}

export class DeclineDto {
  @ApiProperty({ description: 'why the update is declined for everyone' })
  @IsString() @MinLength(3) @MaxLength(2000)
  reason: string;
}

export class UpdateDetailDto {
  @ApiProperty() updateId: string;
  @ApiProperty({ description: 'the current (highest) revision, as the upstream describes it' }) current: UpdateRevisionData;
  @ApiProperty({ type: [RevisionSummaryDto] }) revisions: RevisionSummaryDto[];
  @ApiProperty({ type: [RelatedUpdateDto] }) supersedes: RelatedUpdateDto[];
  @ApiProperty({ type: [RelatedUpdateDto] }) supersededBy: RelatedUpdateDto[];
  @ApiProperty({ type: [RelatedUpdateDto] }) prerequisites: RelatedUpdateDto[];
  @ApiProperty({ type: [UpdateFileDto] }) files: UpdateFileDto[];
  @ApiProperty({ nullable: true, description: 'set when an admin declined the update for everyone' })
  declined: { at: string; by: string | null; reason: string | null } | null;
}
