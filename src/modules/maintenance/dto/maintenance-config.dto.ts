import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { Required } from '../../../common/http/required.decorator';
import { cronProblem } from '../../catalog/sync/dto/sync-config.dto';

const MAX_SCHEDULE_LENGTH = 120;

/** PUT replaces the whole configuration: a missing field is named as missing, not as malformed. */
const WholeConfig = () => Required('PUT /api/v1/maintenance/config replaces the whole configuration (GET it, change it, PUT it back)');

/** A cron expression or null; one message that says what is wrong, a missing field included. */
const IsScheduleOrNull = () =>
  ValidateBy({
    name: 'isScheduleOrNull',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.length <= MAX_SCHEDULE_LENGTH && cronProblem(value) === null,
      defaultMessage: (args) => {
        const value: unknown = args?.value;
        if (value === undefined) return 'schedule is required (a cron expression, or null for manual runs only): PUT /api/v1/maintenance/config replaces the whole configuration';
        if (typeof value !== 'string') return 'schedule must be a cron expression (a string) or null';
        if (value.length > MAX_SCHEDULE_LENGTH) return `schedule must be at most ${MAX_SCHEDULE_LENGTH} characters`;
        return cronProblem(value) ?? 'schedule is not a valid cron expression';
      },
    },
  });

/** The whole maintenance configuration (PUT replaces it: every field without a default is required). */
export class PutMaintenanceConfigDto {
  @ApiProperty({ nullable: true, description: 'cron expression, in UTC, of scheduled runs; null: manual runs only', example: '17 3 * * *' })
  @ValidateIf((_o, value) => value !== null) @IsScheduleOrNull()
  schedule: string | null;

  @ApiProperty({ minimum: 0, maximum: 3650, description: 'decline updates superseded for this many days that no computer needs; 0: never' })
  @WholeConfig() @IsInt() @Min(0) @Max(3650)
  declineSupersededAfterDays: number;

  @ApiProperty({ description: 'decline updates the upstream expired' })
  @WholeConfig() @IsBoolean()
  declineExpired: boolean;

  @ApiProperty({ minimum: 0, maximum: 36500, description: 'remove computers with no contact for this many days, with their status history; 0: never' })
  @WholeConfig() @IsInt() @Min(0) @Max(36500)
  removeComputersAfterDays: number;

  @ApiProperty({ minimum: 0, maximum: 3650, description: 'prune status events received more than this many days ago; 0: keep them' })
  @WholeConfig() @IsInt() @Min(0) @Max(3650)
  statusHistoryDays: number;

  @ApiProperty({ required: false, default: true, description: 'delete stored update files no approval needs any more, and files the store does not track' })
  @IsOptional() @IsBoolean()
  deleteUnneededContent?: boolean;

  @ApiProperty({ description: 'VACUUM (ANALYZE) the busiest tables at the end of a run' })
  @WholeConfig() @IsBoolean()
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
