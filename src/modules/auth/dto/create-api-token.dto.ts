import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsString, MaxLength, MinLength } from 'class-validator';
import { Role } from '../../../common/auth/role';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'ci-pipeline' })
  @IsString() @MinLength(1) @MaxLength(100)
  name: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role: Role;
}

export class CreatedApiTokenDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ description: 'the token; shown this once, only its hash is kept' }) token: string;
  @ApiProperty() createdAt: string;
}
