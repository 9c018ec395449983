import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength,
} from 'class-validator';
import { CLASSIFICATIONS, Classification, SEVERITIES, Severity } from '../../catalog/update-revision';
import { IsPlainText } from '../../../common/validation/text.validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateApprovalRuleDto {
  @ApiProperty({ example: 'Security updates to the pilot ring' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(100) @IsPlainText()
  name: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ enum: CLASSIFICATIONS, isArray: true, description: 'empty or left out: any classification' })
  @IsOptional() @IsArray() @ArrayMaxSize(CLASSIFICATIONS.length) @ArrayUnique() @IsIn(CLASSIFICATIONS, { each: true })
  classifications?: Classification[];

  @ApiPropertyOptional({
    type: [String],
    example: ['Windows/Windows 11'],
    description: 'product paths; each matches that product and every product below it. Empty or left out: any product',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(200, { each: true })
  products?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES, nullable: true, description: 'lowest severity approved (low < moderate < important < critical); unset: any, including none' })
  @IsOptional() @IsIn(SEVERITIES)
  minSeverity?: Severity | null;

  @ApiProperty({ type: [String], description: 'the groups the rule approves for' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ArrayUnique() @IsUUID(undefined, { each: true })
  groupIds: string[];

  @ApiPropertyOptional({ minimum: 0, maximum: 365, nullable: true, description: 'install deadline this many days after the approval (not set for updates that need user input)' })
  @IsOptional() @IsInt() @Min(0) @Max(365)
  deadlineDays?: number | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 365, nullable: true, description: 'approve only once the update was released this many days ago' })
  @IsOptional() @IsInt() @Min(0) @Max(365)
  delayDays?: number | null;
}

/** Fields left out keep their value; null clears minSeverity, deadlineDays and delayDays. */
export class UpdateApprovalRuleDto {
  @ApiPropertyOptional()
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(100) @IsPlainText()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ enum: CLASSIFICATIONS, isArray: true })
  @IsOptional() @IsArray() @ArrayMaxSize(CLASSIFICATIONS.length) @ArrayUnique() @IsIn(CLASSIFICATIONS, { each: true })
  classifications?: Classification[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(200, { each: true })
  products?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES, nullable: true })
  @IsOptional() @IsIn(SEVERITIES)
  minSeverity?: Severity | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ArrayUnique() @IsUUID(undefined, { each: true })
  groupIds?: string[];

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: 365 })
  @IsOptional() @IsInt() @Min(0) @Max(365)
  deadlineDays?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: 365 })
  @IsOptional() @IsInt() @Min(0) @Max(365)
  delayDays?: number | null;
}

export class ApprovalRuleDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: CLASSIFICATIONS, isArray: true }) classifications: Classification[];
  @ApiProperty({ type: [String] }) products: string[];
  @ApiProperty({ enum: SEVERITIES, nullable: true }) minSeverity: Severity | null;
  @ApiProperty({ type: [String] }) groupIds: string[];
  @ApiProperty({ nullable: true }) deadlineDays: number | null;
  @ApiProperty({ nullable: true }) delayDays: number | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty() updatedBy: string;
}

export class RuleRunResultDto {
  @ApiProperty() ruleId: string;
  @ApiProperty({ description: 'current updates the rule was checked against' }) updatesEvaluated: number;
  @ApiProperty({ description: 'approvals the rule made (one approval-log entry each)' }) approvalsCreated: number;
  @ApiProperty({ description: 'updates a running sync was changing at that moment; the evaluation after that sync covers them' })
  updatesSkippedBusy: number;
}
