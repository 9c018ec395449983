import { ApiProperty } from '@nestjs/swagger';
import { APPROVAL_SOURCES, APPROVAL_STATUSES, ApprovalSource, ApprovalStatus, DECISIONS_OR_NONE, DecisionOrNone } from '../approval-decision';

/** One entry of the approval log, as the API shows it. */
export class ApprovalLogEntryDto {
  @ApiProperty() seq: number;
  @ApiProperty() at: string;
  @ApiProperty({ enum: ['user', 'api-token', 'rule', 'sync', 'maintenance'] }) actorType: string;
  @ApiProperty({ nullable: true, description: 'user or API-token id, `rule:<id>`, `sync`' }) actorId: string | null;
  @ApiProperty() actorName: string;
  @ApiProperty({ nullable: true }) actorRole: string | null;
  @ApiProperty() updateId: string;
  @ApiProperty({ nullable: true }) revision: number | null;
  @ApiProperty({ nullable: true, description: 'null: the update was declined for all groups' }) groupId: string | null;
  @ApiProperty({ enum: DECISIONS_OR_NONE }) previousDecision: DecisionOrNone;
  @ApiProperty({ enum: DECISIONS_OR_NONE }) newDecision: DecisionOrNone;
  @ApiProperty({ enum: APPROVAL_STATUSES, nullable: true }) status: ApprovalStatus | null;
  @ApiProperty({ nullable: true }) deadline: string | null;
  @ApiProperty() optional: boolean;
  @ApiProperty({ nullable: true }) reason: string | null;
  @ApiProperty({ enum: APPROVAL_SOURCES }) source: ApprovalSource;
  @ApiProperty({ nullable: true }) ruleId: string | null;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;
}
