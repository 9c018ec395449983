import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { StatusEvent, StatusReport, StatusReportAnswer } from '../../../contracts/client-protocol';
import { REPORTED_STATES, ReportedState } from '../install-state';

export const MAX_EVENTS_PER_REPORT = 1000;

/** POST /client/v1/status of src/contracts/client-protocol.ts, validated. */
export class StatusEventDto implements StatusEvent {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  updateId: string;

  @ApiProperty({ minimum: 1 })
  @IsInt() @Min(1) @Max(2_147_483_647)
  revision: number;

  @ApiProperty({ enum: REPORTED_STATES })
  @IsIn(REPORTED_STATES)
  state: ReportedState;

  @ApiPropertyOptional({ description: 'required when state is failed, e.g. 0x80240022 or download_failed' })
  @ValidateIf((event: StatusEventDto) => event.state === 'failed' || event.errorCode !== undefined)
  @IsString() @Matches(/^[\w.:-]{1,64}$/, { message: 'errorCode must be 1-64 letters, digits or _.:-' })
  errorCode?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @IsString() @MaxLength(2000)
  message?: string;

  @ApiProperty({ description: 'when it happened on the computer (ISO-8601)' })
  @IsISO8601({ strict: true })
  occurredAt: string;

  @ApiProperty({ description: 'per-computer sequence number; a report never overwrites one with a higher seq' })
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  seq: number;
}

export class StatusReportDto implements StatusReport {
  @ApiProperty({ type: [StatusEventDto], maxItems: MAX_EVENTS_PER_REPORT })
  @ArrayMinSize(1) @ArrayMaxSize(MAX_EVENTS_PER_REPORT)
  @ValidateNested({ each: true }) @Type(() => StatusEventDto)
  events: StatusEventDto[];
}

export class StatusAcceptedDto implements StatusReportAnswer {
  @ApiProperty({ description: 'events accepted for storage' })
  accepted: number;
}
