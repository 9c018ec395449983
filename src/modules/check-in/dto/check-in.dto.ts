import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CheckInRequest, InstalledUpdate, Inventory } from '../../../contracts/client-protocol';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

/** The check-in request of src/contracts/client-protocol.ts, validated. */
export class InstalledUpdateDto implements InstalledUpdate {
  @ApiProperty({ format: 'uuid' }) @IsUUID() updateId: string;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(2_147_483_647) revision: number;
}

export class ReportedOsDto {
  @ApiProperty({ example: 'windows' }) @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'os.family must be 1-32 lowercase letters, digits, _ or -' }) family: string;
  @ApiProperty({ example: '10.0.26100' }) @Matches(/^[0-9A-Za-z.+_-]{1,64}$/, { message: 'os.version must be a version like 10.0.26100' }) version: string;
}

export class InventoryDto implements Inventory {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) hostname?: string;
  @ApiPropertyOptional({ type: ReportedOsDto }) @IsOptional() @ValidateNested() @Type(() => ReportedOsDto) os?: ReportedOsDto;
  @ApiPropertyOptional({ example: 'x64' }) @IsOptional() @Matches(/^[a-z0-9_-]{1,16}$/, { message: 'arch must be 1-16 lowercase letters, digits, _ or -' }) arch?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) agentVersion?: string;
}

export class CheckInDto implements CheckInRequest {
  @ApiPropertyOptional({ description: 'echoed in the signed answer, so the agent can tell it is fresh' })
  @IsOptional() @Matches(/^[A-Za-z0-9+/=_-]{8,128}$/, { message: 'nonce must be 8-128 base64 or base64url characters' })
  nonce?: string;

  @ApiPropertyOptional({ type: [InstalledUpdateDto], description: 'updates on the machine, so they are not offered again' })
  @IsOptional() @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => InstalledUpdateDto)
  installed?: InstalledUpdateDto[];

  @ApiPropertyOptional({ type: InventoryDto })
  @IsOptional() @ValidateNested() @Type(() => InventoryDto)
  inventory?: InventoryDto;
}
