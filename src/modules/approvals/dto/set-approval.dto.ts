import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page';
import { CONTENT_STATES, ContentState } from '../../content/content-mode';
import { APPROVAL_SOURCES, APPROVAL_STATUSES, ApprovalSource, ApprovalStatus, Decision, DECISIONS, DECISIONS_OR_NONE, DecisionOrNone } from '../../approval-log/approval-decision';
import { IsPlainText, IsTimestamp } from '../../../common/validation/text.validators';
import { ApprovalLogEntryDto } from '../../approval-log/dto/approval-log-entry.dto';
import { IsUpdateId } from '../../../common/validation/is-update-id';
import { OFFER_STATES, OfferState } from '../approval-offer-state';

export const MAX_BULK_ITEMS = 1000;

export class SetApprovalDto {
  @ApiProperty()
  @IsUpdateId()
  updateId: string;

  @ApiProperty()
  @IsUUID()
  groupId: string;

  @ApiProperty({ enum: DECISIONS_OR_NONE, description: '`none` reverts the group to "not approved" (it inherits again)' })
  @IsIn(DECISIONS_OR_NONE)
  decision: DecisionOrNone;

  @ApiPropertyOptional({
    example: '2026-01-15T18:00:00Z',
    description: 'install or uninstall: the time by which computers must act; in the future; refused for updates that need user input',
  })
  @IsOptional() @IsTimestamp()
  deadline?: string;

  @ApiPropertyOptional({ description: 'install only: offered, but the user may decline it' })
  @IsOptional() @IsBoolean()
  optional?: boolean;

  @ApiPropertyOptional({ maxLength: 2000, description: 'why; required for decline' })
  @IsOptional() @IsString() @MaxLength(2000) @IsPlainText()
  reason?: string;
}

export class BulkApprovalsDto {
  @ApiProperty({ type: [SetApprovalDto], maxItems: MAX_BULK_ITEMS, description: 'all are applied, or none' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BULK_ITEMS) @ValidateNested({ each: true }) @Type(() => SetApprovalDto)
  items: SetApprovalDto[];
}

export class ListApprovalsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional() @IsUpdateId()
  updateId?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ enum: APPROVAL_STATUSES, description: '`needs_review`: installs suspended by a EULA revision' })
  @IsOptional() @IsIn(APPROVAL_STATUSES)
  status?: ApprovalStatus;
}

export class ApprovalDto {
  @ApiProperty() updateId: string;
  @ApiProperty() updateTitle: string;
  @ApiProperty() groupId: string;
  @ApiProperty() groupName: string;
  @ApiProperty({ enum: DECISIONS }) decision: Decision;
  @ApiProperty({ nullable: true }) deadline: string | null;
  @ApiProperty() optional: boolean;
  @ApiProperty({ nullable: true }) reason: string | null;
  @ApiProperty({ nullable: true, description: 'the revision the decision applies to' }) revision: number | null;
  @ApiProperty({ enum: APPROVAL_STATUSES, description: '`needs_review`: suspended until an admin approves again' }) status: ApprovalStatus;
  @ApiProperty({ enum: APPROVAL_SOURCES }) source: ApprovalSource;
  @ApiProperty({ nullable: true }) ruleId: string | null;
  @ApiProperty() updatedAt: string;
  @ApiProperty() updatedBy: string;
  @ApiProperty({
    enum: CONTENT_STATES,
    nullable: true,
    description: "install approvals in a storing content mode: whether the update's files are stored (it is offered only then), still pending, or failed; null otherwise",
  })
  content: ContentState | null;
  @ApiProperty({ description: 'whether the offer gives this decision to the computers it applies to (offerState `offered`)' })
  offered: boolean;
  @ApiProperty({
    enum: OFFER_STATES,
    description:
      'what the offer does with it: `offered`; `declined` (the decision); `declined_globally` (the update is declined for all groups); `expired`; `needs_review` (suspended); `content_pending` / `content_failed` (files not stored yet, or failed verification)',
  })
  offerState: OfferState;
}

export class AptDependenciesAdviceDto {
  @ApiProperty({ description: "true when apt could install the update's packages from the baseline plus the group's approved updates" }) installable: boolean;
  @ApiProperty({ type: [String], description: "apt's lines about what is missing" }) unmet: string[];
  @ApiProperty({ type: [String], description: 'what apt was asked to install (`name=version`)' }) packages: string[];
}

export class ApprovalChangeDto {
  @ApiProperty({ type: ApprovalDto, nullable: true, description: 'null after `none`' }) approval: ApprovalDto | null;
  @ApiProperty({ type: ApprovalLogEntryDto, nullable: true, description: 'null when the request changed nothing' }) logEntry: ApprovalLogEntryDto | null;
  @ApiPropertyOptional({
    type: AptDependenciesAdviceDto,
    description: 'PUT of an install of an APT update: what apt says the group still needs (docs/debian.md, "Dependencies")',
  })
  aptDependencies?: AptDependenciesAdviceDto;
}

export class BulkApprovalsResultDto {
  @ApiProperty({ type: [ApprovalChangeDto], description: 'in the order of the request' }) items: ApprovalChangeDto[];
}
