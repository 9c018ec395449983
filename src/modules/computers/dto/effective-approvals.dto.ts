import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page';
import { APPROVAL_STATUSES, ApprovalStatus, Decision, DECISIONS } from '../../approval-log/approval-decision';

export class EffectiveApprovalsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'only this update' })
  @IsOptional() @IsUUID()
  updateId?: string;
}

export class EffectiveApprovalDto {
  @ApiProperty() updateId: string;
  @ApiProperty({ nullable: true }) title: string | null;
  @ApiProperty({ enum: DECISIONS }) decision: Decision;
  @ApiProperty({ nullable: true }) deadline: string | null;
  @ApiProperty() optional: boolean;
  @ApiProperty({ enum: APPROVAL_STATUSES, description: '`needs_review`: a suspended install, not offered' }) status: ApprovalStatus;
  @ApiProperty({ nullable: true }) revision: number | null;
  @ApiProperty({ description: 'the group on the computer\'s path whose decision applies' }) sourceGroupId: string;
  @ApiProperty({ nullable: true }) sourceGroupName: string | null;
  @ApiProperty({ description: 'the decision comes from a group above the computer\'s own' }) inherited: boolean;
}

export class GroupRefDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true }) name: string | null;
}

export class EffectiveApprovalsDto {
  @ApiProperty() computerId: string;
  @ApiProperty() groupId: string;
  @ApiProperty({ type: [GroupRefDto], description: 'from All Computers down to the computer\'s group' }) groupPath: GroupRefDto[];
  @ApiProperty({ type: [EffectiveApprovalDto], description: 'updates with an explicit decision somewhere on the path; any other update is not approved' })
  items: EffectiveApprovalDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}
