import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CheckInRequest, DpkgPackage, InstalledUpdate, Inventory } from '../../../contracts/client-protocol';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsUpdateId } from '../../../common/validation/is-update-id';

/** The check-in request of src/contracts/client-protocol.ts, validated. */
export class InstalledUpdateDto implements InstalledUpdate {
  @ApiProperty({ format: 'uuid' }) @IsUpdateId() updateId: string;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(2_147_483_647) revision: number;
}

export class ReportedOsDto {
  @ApiProperty({ example: 'windows' }) @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'os.family must be 1-32 lowercase letters, digits, _ or -' }) family: string;
  @ApiProperty({ example: '10.0.26100' }) @Matches(/^[0-9A-Za-z.+_-]{1,64}$/, { message: 'os.version must be a version like 10.0.26100' }) version: string;
}

/** One installed binary package as dpkg names it (dpkg-query -W: Package, Version, Architecture). */
export class DpkgPackageDto implements DpkgPackage {
  @ApiProperty({ example: 'libssl3' })
  @IsString() @MaxLength(128) @Matches(/^[a-z0-9][a-z0-9+.-]{0,127}$/, { message: 'packages[].name must be a Debian package name' })
  name: string;

  @ApiProperty({ example: '3.0.15-1~deb12u1' })
  @IsString() @MaxLength(128) @Matches(/^[0-9A-Za-z.+~:-]{1,128}$/, { message: 'packages[].version must be a Debian version' })
  version: string;

  @ApiProperty({ example: 'amd64' })
  @IsString() @MaxLength(32) @Matches(/^[a-z0-9-]{1,32}$/, { message: 'packages[].arch must be a dpkg architecture' })
  arch: string;
}

export class InventoryDto implements Inventory {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) hostname?: string;
  @ApiPropertyOptional({ type: ReportedOsDto }) @IsOptional() @ValidateNested() @Type(() => ReportedOsDto) os?: ReportedOsDto;
  @ApiPropertyOptional({ example: 'x64' }) @IsOptional() @Matches(/^[a-z0-9_-]{1,16}$/, { message: 'arch must be 1-16 lowercase letters, digits, _ or -' }) arch?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) agentVersion?: string;

  @ApiPropertyOptional({ type: [DpkgPackageDto], maxItems: 20_000, description: "apt machines: dpkg's installed binary packages, sent when they changed (docs/debian.md); the check-in body limit (256 KiB) holds about 3,500" })
  @IsOptional() @ArrayMaxSize(20_000) @ValidateNested({ each: true }) @Type(() => DpkgPackageDto)
  packages?: DpkgPackageDto[];
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
