import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { TARGETING_MODES, TargetingMode } from '../entities/server-settings.entity';

export class ServerSettingsDto {
  @ApiProperty({ enum: TARGETING_MODES, description: '`server`: admins place computers in groups; `client`: an agent\'s requested group places it' })
  targetingMode: TargetingMode;

  @ApiProperty({ minimum: 60, maximum: 86400, description: 'how often agents check in' })
  checkInSeconds: number;

  @ApiProperty({ minimum: 1, maximum: 365, description: 'a computer with no contact for this many days is stale' })
  staleAfterDays: number;

  @ApiProperty({
    description:
      'a new revision of an approved update keeps its approvals (`true`, the default) or has them suspended for review (`needs_review`); ' +
      'a revision whose files changed is suspended for review either way',
  })
  approveNewRevisions: boolean;

  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) updatedBy: string | null;
}

/** Fields left out keep their value. */
export class UpdateServerSettingsDto {
  @ApiPropertyOptional({ enum: TARGETING_MODES })
  @IsOptional() @IsIn(TARGETING_MODES)
  targetingMode?: TargetingMode;

  @ApiPropertyOptional({ minimum: 60, maximum: 86400 })
  @IsOptional() @IsInt() @Min(60) @Max(86400)
  checkInSeconds?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 365 })
  @IsOptional() @IsInt() @Min(1) @Max(365)
  staleAfterDays?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  approveNewRevisions?: boolean;
}
