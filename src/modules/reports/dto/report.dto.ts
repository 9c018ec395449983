import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class UpdateReportQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only computers in this group and the groups below it' })
  @IsOptional() @IsUUID()
  groupId?: string;
}

export class StateCountsDto {
  @ApiProperty() installed: number;
  @ApiProperty() installedPendingReboot: number;
  @ApiProperty() downloaded: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'reported not applicable, or no report and the update does not apply to the computer (OS family, version, architecture)' })
  notApplicable: number;
  @ApiProperty() uninstalled: number;
  @ApiProperty({ description: 'approved and applicable, not reported installed' }) needed: number;
  @ApiProperty({ description: 'applicable, no report and not approved for it' }) unknown: number;
}

export class UpdateReportDto {
  @ApiProperty() updateId: string;
  @ApiProperty({ nullable: true }) groupId: string | null;
  @ApiProperty() computers: number;
  @ApiProperty({ description: 'computers the update applies to (OS family, version, architecture)' }) applicableComputers: number;
  @ApiProperty({ type: StateCountsDto }) counts: StateCountsDto;
}

export class GroupUpdateRowDto {
  @ApiProperty() updateId: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String] }) kb: string[];
  @ApiProperty() classification: string;
  @ApiProperty({ nullable: true }) severity: string | null;
  @ApiProperty({ type: StateCountsDto }) counts: StateCountsDto;
  @ApiProperty({ description: 'computers the update applies to (OS family, version, architecture)' }) applicableComputers: number;
  @ApiProperty({ description: 'installed, pending reboot or not applicable, among the computers it was approved for or reported by' })
  compliancePercent: number;
}

export class GroupReportDto {
  @ApiProperty() groupId: string;
  @ApiProperty() computers: number;
  @ApiProperty({ description: 'share of (computer, approved update) pairs that are compliant' }) compliancePercent: number;
  @ApiProperty({ type: [GroupUpdateRowDto] }) updates: GroupUpdateRowDto[];
}

export class ComputerUpdateRowDto {
  @ApiProperty() updateId: string;
  @ApiProperty() revision: number;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['install', 'uninstall'] }) action: string;
  @ApiProperty({ description: 'reported state, or needed' }) state: string;
  @ApiPropertyOptional({ nullable: true }) errorCode: string | null;
  @ApiPropertyOptional({ nullable: true }) message: string | null;
  @ApiPropertyOptional({ nullable: true }) reportedAt: string | null;
}

export class ComputerReportDto {
  @ApiProperty() computerId: string;
  @ApiProperty() hostname: string;
  @ApiProperty({ type: [ComputerUpdateRowDto] }) updates: ComputerUpdateRowDto[];
}

export class RecountDto {
  @ApiProperty({ description: 'counter rows that differed from the recount (0: the counters were exact)' }) differences: number;
  @ApiProperty({ description: 'per (group, platform) counter rows after the recount' }) platformRows: number;
  @ApiProperty({ description: 'per (group, update, state) counter rows after the recount' }) stateRows: number;
  @ApiProperty() durationMs: number;
}
