import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { StatusEvent, StatusReport, StatusReportAnswer } from '../../../contracts/client-protocol';
import { IsUpdateId } from '../../../common/validation/is-update-id';
import { IsPlainText } from '../../../common/validation/text.validators';
import { REPORTED_STATES, ReportedState } from '../install-state';
import { IsReportedTime } from './reported-time.validator';

export const MAX_EVENTS_PER_REPORT = 1000;

/** POST /client/v1/status of src/contracts/client-protocol.ts, validated. */
export class StatusEventDto implements StatusEvent {
  @ApiProperty({ format: 'uuid' })
  @IsUpdateId()
  updateId: string;

  @ApiProperty({ minimum: 1 })
  @IsInt() @Min(1) @Max(2_147_483_647)
  revision: number;

  @ApiProperty({ enum: REPORTED_STATES })
  @IsIn(REPORTED_STATES)
  state: ReportedState;

  @ApiPropertyOptional({ description: 'required when state is failed, e.g. 0x80240022 or download_failed' })
  @ValidateIf((event: StatusEventDto) => event.state === 'failed' || event.errorCode !== undefined)
  @IsString() @MaxLength(64) @Matches(/^[\w.:-]{1,64}$/, { message: 'errorCode must be 1-64 letters, digits or _.:-' })
  errorCode?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'free text; tab and newlines allowed, no other control character (no NUL)' })
  @IsOptional() @IsString() @MaxLength(2000) @IsPlainText()
  message?: string;

  @ApiProperty({ description: 'when it happened on the computer: ISO 8601 `YYYY-MM-DDThh:mm:ss[.ffffff]` with `Z` or `±hh:mm`, year 0001-9999' })
  @IsString() @IsReportedTime()
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

export class RejectedStatusEventDto {
  @ApiProperty({ description: 'position of the event in the report' }) index: number;
  @ApiProperty() updateId: string;
  @ApiProperty() revision: number;
  @ApiProperty({ enum: ['unknown_update'], description: '`unknown_update`: the catalog holds no such update or revision' }) reason: 'unknown_update';
}

export class StatusAcceptedDto implements StatusReportAnswer {
  @ApiProperty({ description: 'events accepted for storage' })
  accepted: number;

  @ApiProperty({ type: [RejectedStatusEventDto], description: 'events not accepted (not stored); sending them again will not help' })
  rejected: RejectedStatusEventDto[];
}
