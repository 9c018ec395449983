import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { REPORTED_STATES, ReportedState } from '../../status/install-state';
import { PageQueryDto } from '../../../common/pagination/page';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListComputersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'members of this group' })
  @IsOptional() @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ description: 'with groupId: also the members of every group below it' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  includeSubgroups?: boolean;

  @ApiPropertyOptional({ description: 'text in the hostname' })
  @IsOptional() @IsString() @MaxLength(255)
  q?: string;

  @ApiPropertyOptional({ description: 'no contact for the stale period of the settings (true), or contact within it (false)' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  stale?: boolean;

  @ApiPropertyOptional({ description: 'OS family, e.g. windows (as the agents report it, lowercase)' })
  @IsOptional() @IsString() @MaxLength(32) @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'osFamily must be 1-32 lowercase letters, digits, _ or -' })
  osFamily?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'computers that reported a state for this update (in `state` when given)' })
  @ValidateIf((q: ListComputersQueryDto) => q.updateId !== undefined || q.state !== undefined) @IsUUID()
  updateId?: string;

  @ApiPropertyOptional({ enum: REPORTED_STATES, description: 'with updateId: the state the computer last reported for it' })
  @IsOptional() @IsIn(REPORTED_STATES)
  state?: ReportedState;

  @ApiPropertyOptional({ description: 'also list revoked (deleted) computers' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  includeRevoked?: boolean;
}

export class AssignGroupDto {
  @ApiProperty()
  @IsUUID()
  groupId: string;
}

export class ComputerDto {
  @ApiProperty() id: string;
  @ApiProperty() hostname: string;
  @ApiProperty() osFamily: string;
  @ApiProperty() osVersion: string;
  @ApiProperty() arch: string;
  @ApiProperty() agentVersion: string;
  @ApiProperty({ nullable: true }) groupId: string | null;
  @ApiProperty({ nullable: true }) groupName: string | null;
  @ApiProperty({ nullable: true, description: 'the group the agent asked for; kept even when no group has that name' }) requestedGroup: string | null;
  @ApiProperty() registeredAt: string;
  @ApiProperty({ nullable: true }) lastSeenAt: string | null;
  @ApiProperty({ description: 'no contact for the stale period of the settings' }) stale: boolean;
  @ApiProperty({ nullable: true, description: 'set once the computer was deleted: its token no longer works' }) revokedAt: string | null;
}

export class ComputerDetailDto extends ComputerDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what the agent last reported about itself' })
  inventory: Record<string, unknown>;
}
