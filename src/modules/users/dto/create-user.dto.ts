import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsString, Matches, MaxLength, MinLength } from 'class-validator';
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
}
