import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Role } from '../../../common/auth/role';
import { IsTimestamp } from '../../../common/validation/text.validators';

/** A token made without `expiresAt` expires after this many days. */
export const API_TOKEN_DEFAULT_DAYS = 90;

export class CreateApiTokenDto {
  @ApiProperty({ example: 'ci-pipeline' })
  @IsString() @MinLength(1) @MaxLength(100)
  name: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role: Role;

  @ApiPropertyOptional({
    nullable: true,
    example: '2026-12-31T00:00:00Z',
    description: `when the token stops working; in the future. Left out: ${API_TOKEN_DEFAULT_DAYS} days from now. null: never (avoid)`,
  })
  @IsOptional() @IsTimestamp()
  expiresAt?: string | null;
}

export class CreatedApiTokenDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ description: 'the token; shown this once, only its hash is kept' }) token: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, description: 'null: never expires' }) expiresAt: string | null;
}

export class ApiTokenDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ nullable: true, description: 'the user who made it' }) createdBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, description: 'null: never expires' }) expiresAt: string | null;
  @ApiProperty({ nullable: true }) revokedAt: string | null;
  @ApiProperty({ description: 'neither revoked nor expired' }) active: boolean;
}
