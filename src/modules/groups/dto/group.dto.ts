import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Printable text without control characters; names are compared case-insensitively among siblings. */
const GROUP_NAME = /^[^\p{Cc}]+$/u;

export class CreateGroupDto {
  @ApiProperty({ example: 'Ring 1 - Pilot', maxLength: 100 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(100) @Matches(GROUP_NAME, { message: 'name must not contain control characters' })
  name: string;

  @ApiPropertyOptional({ description: 'parent group; All Computers when left out' })
  @IsOptional() @IsUUID()
  parentId?: string;
}

export class UpdateGroupDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'new name' })
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(100) @Matches(GROUP_NAME, { message: 'name must not contain control characters' })
  name?: string;

  @ApiPropertyOptional({ description: 'move the group (with its subgroups) under this parent' })
  @IsOptional() @IsUUID()
  parentId?: string;
}

export class GroupDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, description: 'null for All Computers' }) parentId: string | null;
  @ApiProperty({ type: [String], description: 'ids from All Computers down to this group' }) path: string[];
  @ApiProperty() depth: number;
  @ApiProperty({ description: 'All Computers and Unassigned Computers: cannot be renamed, moved or deleted' }) builtIn: boolean;
  @ApiProperty({ description: 'computers directly in this group' }) memberCount: number;
  @ApiProperty({ description: 'computers in this group and every group below it' }) totalMemberCount: number;
  @ApiProperty() childCount: number;
  @ApiProperty({ description: 'grows whenever an approval of the group changes or the group moves' }) approvalVersion: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
