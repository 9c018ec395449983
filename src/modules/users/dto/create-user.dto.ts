import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role } from '../../../common/auth/role';

export class CreateUserDto {
  @ApiProperty({ example: 'alice', pattern: '^[a-zA-Z0-9_.@-]{1,64}$' })
  @Matches(/^[a-zA-Z0-9_.@-]{1,64}$/, { message: 'username must be 1-64 letters, digits or _.@-' })
  username: string;

  @ApiProperty({ minLength: 12, maxLength: 256, writeOnly: true })
  @IsString() @MinLength(12) @MaxLength(256)
  password: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role: Role;
}

export class UserDto {
  @ApiProperty() id: string;
  @ApiProperty() username: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, description: 'set: the user cannot log in and their sessions end' }) disabledAt: string | null;
}

/** Fields left out stay as they are. */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: Role })
  @IsOptional() @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ description: 'true: cannot log in, sessions end at once; false: enabled again' })
  @IsOptional() @IsBoolean()
  disabled?: boolean;
}

/** An admin sets someone's password (the user's sessions end). */
export class SetPasswordDto {
  @ApiProperty({ minLength: 12, maxLength: 256, writeOnly: true })
  @IsString() @MinLength(12) @MaxLength(256)
  password: string;
}

/** A user changes their own password: the current one first. */
export class ChangeOwnPasswordDto {
  @ApiProperty({ maxLength: 256, writeOnly: true })
  @IsString() @MinLength(1) @MaxLength(256)
  currentPassword: string;

  @ApiProperty({ minLength: 12, maxLength: 256, writeOnly: true })
  @IsString() @MinLength(12) @MaxLength(256)
  password: string;
}
