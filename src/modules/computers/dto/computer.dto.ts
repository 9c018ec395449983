import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
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
