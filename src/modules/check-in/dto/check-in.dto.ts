import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CheckInRequest, DpkgPackage, InstalledUpdate, Inventory } from '../../../contracts/client-protocol';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsUpdateId, UPDATE_ID_LENGTH, UUID_PATTERN } from '../../../common/validation/is-update-id';
import { absent, eachOf, hasOnly, isIntIn, isPlainObject, matches, shortString } from '../../../common/validation/precheck';

/*
 * The rules below, as one-pass checks for CheckInDto.precheck: each pattern is the rule's own, run
 * only on a string of at most the rule's length (as ContractValidationPipe's string caps do).
 */
const NONCE = /^[A-Za-z0-9+/=_-]{8,128}$/;
const OS_FAMILY = /^[a-z0-9_-]{1,32}$/;
const OS_VERSION = /^[0-9A-Za-z.+_-]{1,64}$/;
const ARCH = /^[a-z0-9_-]{1,16}$/;
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]{0,127}$/;
const PACKAGE_VERSION = /^[0-9A-Za-z.+~:-]{1,128}$/;
const PACKAGE_ARCH = /^[a-z0-9-]{1,32}$/;
const MAX_INSTALLED = 5000;
const MAX_PACKAGES = 20_000;
const MAX_REVISION = 2_147_483_647;

const CHECK_IN_FIELDS: ReadonlySet<string> = new Set(['nonce', 'installed', 'inventory']);
const INSTALLED_FIELDS: ReadonlySet<string> = new Set(['updateId', 'revision']);
const INVENTORY_FIELDS: ReadonlySet<string> = new Set(['hostname', 'os', 'arch', 'agentVersion', 'packages']);
const OS_FIELDS: ReadonlySet<string> = new Set(['family', 'version']);
const PACKAGE_FIELDS: ReadonlySet<string> = new Set(['name', 'version', 'arch']);

/** The check-in request of src/contracts/client-protocol.ts, validated. */
export class InstalledUpdateDto implements InstalledUpdate {
  @ApiProperty({ format: 'uuid' }) @IsUpdateId() updateId: string;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(MAX_REVISION) revision: number;

  /** An entry that passes the rules above, as class-transformer makes it (updateId lowercased); null for anything else. */
  static precheck(value: unknown): InstalledUpdateDto | null {
    if (!isPlainObject(value) || !hasOnly(value, INSTALLED_FIELDS)) return null;
    const { updateId, revision } = value;
    if (!matches(updateId, UUID_PATTERN, UPDATE_ID_LENGTH)) return null;
    if (!isIntIn(revision, 1, MAX_REVISION)) return null;
    return Object.assign(new InstalledUpdateDto(), value, { updateId: updateId.toLowerCase() });
  }
}

export class ReportedOsDto {
  @ApiProperty({ example: 'windows' }) @Matches(OS_FAMILY, { message: 'os.family must be 1-32 lowercase letters, digits, _ or -' }) family: string;
  @ApiProperty({ example: '10.0.26100' }) @Matches(OS_VERSION, { message: 'os.version must be a version like 10.0.26100' }) version: string;

  static precheck(value: unknown): ReportedOsDto | null {
    if (!isPlainObject(value) || !hasOnly(value, OS_FIELDS)) return null;
    if (!matches(value.family, OS_FAMILY, 32) || !matches(value.version, OS_VERSION, 64)) return null;
    return Object.assign(new ReportedOsDto(), value);
  }
}

/** One installed binary package as dpkg names it (dpkg-query -W: Package, Version, Architecture). */
export class DpkgPackageDto implements DpkgPackage {
  @ApiProperty({ example: 'libssl3' })
  @IsString() @MaxLength(128) @Matches(PACKAGE_NAME, { message: 'packages[].name must be a Debian package name' })
  name: string;

  @ApiProperty({ example: '3.0.15-1~deb12u1' })
  @IsString() @MaxLength(128) @Matches(PACKAGE_VERSION, { message: 'packages[].version must be a Debian version' })
  version: string;

  @ApiProperty({ example: 'amd64' })
  @IsString() @MaxLength(32) @Matches(PACKAGE_ARCH, { message: 'packages[].arch must be a dpkg architecture' })
  arch: string;

  static precheck(value: unknown): DpkgPackageDto | null {
    if (!isPlainObject(value) || !hasOnly(value, PACKAGE_FIELDS)) return null;
    if (!matches(value.name, PACKAGE_NAME, 128) || !matches(value.version, PACKAGE_VERSION, 128) || !matches(value.arch, PACKAGE_ARCH, 32)) return null;
    return Object.assign(new DpkgPackageDto(), value);
  }
}

export class InventoryDto implements Inventory {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) hostname?: string;
  @ApiPropertyOptional({ type: ReportedOsDto }) @IsOptional() @ValidateNested() @Type(() => ReportedOsDto) os?: ReportedOsDto;
  @ApiPropertyOptional({ example: 'x64' }) @IsOptional() @Matches(ARCH, { message: 'arch must be 1-16 lowercase letters, digits, _ or -' }) arch?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) agentVersion?: string;

  @ApiPropertyOptional({ type: [DpkgPackageDto], maxItems: 20_000, description: "apt machines: dpkg's installed binary packages, sent when they changed (docs/debian.md); the check-in body limit (256 KiB) holds about 3,500" })
  @IsOptional() @ArrayMaxSize(MAX_PACKAGES) @ValidateNested({ each: true }) @Type(() => DpkgPackageDto)
  packages?: DpkgPackageDto[];

  static precheck(value: unknown): InventoryDto | null {
    if (!isPlainObject(value) || !hasOnly(value, INVENTORY_FIELDS)) return null;
    const { hostname, os, arch, agentVersion, packages } = value;
    if (!absent(hostname) && !shortString(hostname, 255)) return null;
    if (!absent(arch) && !matches(arch, ARCH, 16)) return null;
    if (!absent(agentVersion) && !shortString(agentVersion, 64)) return null;
    const inventory = Object.assign(new InventoryDto(), value);
    if (!absent(os)) {
      const checked = ReportedOsDto.precheck(os);
      if (!checked) return null;
      inventory.os = checked;
    }
    if (!absent(packages)) {
      const checked = eachOf(packages, 0, MAX_PACKAGES, DpkgPackageDto.precheck);
      if (!checked) return null;
      inventory.packages = checked;
    }
    return inventory;
  }
}

export class CheckInDto implements CheckInRequest {
  @ApiPropertyOptional({ description: 'echoed in the signed answer, so the agent can tell it is fresh' })
  @IsOptional() @Matches(NONCE, { message: 'nonce must be 8-128 base64 or base64url characters' })
  nonce?: string;

  @ApiPropertyOptional({ type: [InstalledUpdateDto], description: 'updates on the machine, so they are not offered again' })
  @IsOptional() @ArrayMaxSize(MAX_INSTALLED) @ValidateNested({ each: true }) @Type(() => InstalledUpdateDto)
  installed?: InstalledUpdateDto[];

  @ApiPropertyOptional({ type: InventoryDto })
  @IsOptional() @ValidateNested() @Type(() => InventoryDto)
  inventory?: InventoryDto;

  /**
   * The body of a check-in checked in one pass (a PrecheckedDto, like StatusReportDto.precheck):
   * used by ContractValidationPipe, and by the check-in's shortcut past Nest's router
   * (check-in.controller.ts), which a fleet calls every few minutes per computer. It accepts only
   * what the rules above accept, made as class-transformer makes it (check-in.dto.spec.ts compares
   * both); anything else answers null and is validated by the rules, for their errors.
   */
  static precheck(body: unknown): CheckInDto | null {
    if (!isPlainObject(body) || !hasOnly(body, CHECK_IN_FIELDS)) return null;
    const { nonce, installed, inventory } = body;
    if (!absent(nonce) && !matches(nonce, NONCE, 128)) return null;
    const dto = Object.assign(new CheckInDto(), body);
    if (!absent(installed)) {
      const checked = eachOf(installed, 0, MAX_INSTALLED, InstalledUpdateDto.precheck);
      if (!checked) return null;
      dto.installed = checked;
    }
    if (!absent(inventory)) {
      const checked = InventoryDto.precheck(inventory);
      if (!checked) return null;
      dto.inventory = checked;
    }
    return dto;
  }
}

