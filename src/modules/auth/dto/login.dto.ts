import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString() @MinLength(1) @MaxLength(64)
  username: string;

  @ApiProperty({ writeOnly: true })
  @IsString() @MinLength(1) @MaxLength(256)
  password: string;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'JWT to send as `Authorization: Bearer …`' })
  accessToken: string;

  @ApiProperty({ description: 'lifetime of the token in seconds' })
  expiresIn: number;
}
