import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsCronExpression } from '../../catalog/sync/dto/sync-config.dto';

/** The whole maintenance configuration (PUT replaces it). */
export class PutMaintenanceConfigDto {
  @ApiProperty({ nullable: true, description: 'cron expression, in UTC, of scheduled runs; null: manual runs only', example: '17 3 * * *' })
  @ValidateIf((_o, value) => value !== null) @IsString() @MaxLength(120) @IsCronExpression()
  schedule: string | null;

  @ApiProperty({ minimum: 0, maximum: 3650, description: 'decline updates superseded for this many days that no computer needs; 0: never' })
  @IsInt() @Min(0) @Max(3650)
  declineSupersededAfterDays: number;

  @ApiProperty({ description: 'decline updates the upstream expired' })
  @IsBoolean()
  declineExpired: boolean;

  @ApiProperty({ minimum: 0, maximum: 36500, description: 'remove computers with no contact for this many days, with their status history; 0: never' })
  @IsInt() @Min(0) @Max(36500)
  removeComputersAfterDays: number;

  @ApiProperty({ minimum: 0, maximum: 3650, description: 'prune status events received more than this many days ago; 0: keep them' })
  @IsInt() @Min(0) @Max(3650)
  statusHistoryDays: number;

  @ApiProperty({ required: false, default: true, description: 'delete stored update files no approval needs any more, and files the store does not track' })
  @IsOptional() @IsBoolean()
  deleteUnneededContent?: boolean;

  @ApiProperty({ description: 'VACUUM (ANALYZE) the busiest tables at the end of a run' })
  @IsBoolean()
  vacuum: boolean;

  @ApiProperty({ minimum: 1, maximum: 10000, required: false, default: 500, description: 'rows per transaction' })
  @IsOptional() @IsInt() @Min(1) @Max(10000)
  batchSize?: number;
}

export class MaintenanceConfigDto extends PutMaintenanceConfigDto {
  @ApiProperty({ nullable: true, description: 'when the next scheduled run is due' }) nextRunAt: string | null;
  @ApiProperty() declare batchSize: number;
  @ApiProperty() declare deleteUnneededContent: boolean;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) updatedBy: string | null;
}
