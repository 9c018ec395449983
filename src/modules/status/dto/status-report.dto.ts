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
import { IsUpdateId, UPDATE_ID_LENGTH, UUID_PATTERN } from '../../../common/validation/is-update-id';
import { eachOf, hasOnly, isIntIn, isPlainObject, matches } from '../../../common/validation/precheck';
import { IsPlainText } from '../../../common/validation/text.validators';
import { REPORTED_STATES, ReportedState } from '../install-state';
import { isReportedTime, IsReportedTime } from './reported-time.validator';

export const MAX_EVENTS_PER_REPORT = 1000;
const ERROR_CODE = /^[\w.:-]{1,64}$/;
const ERROR_CODE_MAX_LENGTH = 64;
const MESSAGE_MAX_LENGTH = 2000;
// eslint-disable-next-line no-control-regex
const PLAIN_TEXT = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
const EVENT_FIELDS: ReadonlySet<string> = new Set(['updateId', 'revision', 'state', 'errorCode', 'message', 'occurredAt', 'seq']);
const REPORT_FIELDS: ReadonlySet<string> = new Set(['events']);
const STATES: ReadonlySet<unknown> = new Set(REPORTED_STATES);


/** POST /client/v1/status of src/contracts/client-protocol.ts, validated. */
export class StatusEventDto implements StatusEvent {
  @ApiProperty({ format: 'uuid' })
  @IsUpdateId()
  updateId: string;

  /** An event that passes every rule below, as class-transformer would make it; null for anything else (see StatusReportDto.precheck). */
  static precheck(e: unknown): StatusEventDto | null {
    if (!isPlainObject(e) || !hasOnly(e, EVENT_FIELDS)) return null;
    const { updateId, revision, state, errorCode, message, occurredAt, seq } = e;
    // Every length before any pattern, as ContractValidationPipe's string caps.
    if (!matches(updateId, UUID_PATTERN, UPDATE_ID_LENGTH)) return null;
    if (!isIntIn(revision, 1, 2_147_483_647) || !STATES.has(state) || !isIntIn(seq, 0, Number.MAX_SAFE_INTEGER)) return null;
    if (state === 'failed' || errorCode !== undefined) {
      if (!matches(errorCode, ERROR_CODE, ERROR_CODE_MAX_LENGTH)) return null;
    }
    if (message !== undefined && message !== null) {
      if (!matches(message, PLAIN_TEXT, MESSAGE_MAX_LENGTH)) return null;
    }
    if (!isReportedTime(occurredAt)) return null;
    return Object.assign(new StatusEventDto(), e, { updateId: updateId.toLowerCase() });
  }

  @ApiProperty({ minimum: 1 })
  @IsInt() @Min(1) @Max(2_147_483_647)
  revision: number;

  @ApiProperty({ enum: REPORTED_STATES })
  @IsIn(REPORTED_STATES)
  state: ReportedState;

  @ApiPropertyOptional({ description: 'required when state is failed, e.g. 0x80240022 or download_failed' })
  @ValidateIf((event: StatusEventDto) => event.state === 'failed' || event.errorCode !== undefined)
  @IsString() @MaxLength(64) @Matches(ERROR_CODE, { message: 'errorCode must be 1-64 letters, digits or _.:-' })
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

  /**
   * The body of a status report checked in one pass, for ContractValidationPipe (a PrecheckedDto):
   * agents send hundreds of events per report, and class-transformer and class-validator cost more
   * per event than the rest of the request. It accepts only what the rules above accept, made as
   * class-transformer makes it (status-report.dto.spec.ts compares both); anything else answers
   * null and is validated by the rules, for their errors.
   */
  static precheck(body: unknown): StatusReportDto | null {
    if (!isPlainObject(body) || !hasOnly(body, REPORT_FIELDS)) return null;
    const events = eachOf(body.events, 1, MAX_EVENTS_PER_REPORT, StatusEventDto.precheck);
    return events && Object.assign(new StatusReportDto(), { events });
  }
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
