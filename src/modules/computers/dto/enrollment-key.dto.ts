import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsPlainText, IsTimestamp } from '../../../common/validation/text.validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateEnrollmentKeyDto {
  @ApiProperty({ example: 'Berlin office laptops' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(100) @IsPlainText()
  name: string;

  @ApiPropertyOptional({ description: 'computers registered with this key land in this group, whatever the targeting mode' })
  @IsOptional() @IsUUID()
  groupId?: string;

  @ApiPropertyOptional({ example: '2026-01-31T00:00:00Z', description: 'the key stops working at this time' })
  @IsOptional() @IsTimestamp()
  expiresAt?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000000, description: 'how many computers may register with the key' })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  maxUses?: number;
}

export const ENROLLMENT_KEY_STATES = ['active', 'expired', 'exhausted', 'revoked'] as const;
export type EnrollmentKeyState = (typeof ENROLLMENT_KEY_STATES)[number];

export class EnrollmentKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true }) groupId: string | null;
  @ApiProperty({ nullable: true }) groupName: string | null;
  @ApiProperty({ nullable: true }) expiresAt: string | null;
  @ApiProperty({ nullable: true }) maxUses: number | null;
  @ApiProperty({ description: 'computers registered with the key' }) useCount: number;
  @ApiProperty({ enum: ENROLLMENT_KEY_STATES }) state: EnrollmentKeyState;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true }) revokedAt: string | null;
}

export class CreatedEnrollmentKeyDto extends EnrollmentKeyDto {
  @ApiProperty({ description: 'the key (`pge_…`); shown this once, only its hash is kept' }) key: string;
}
