import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { CronExpressionParser } from 'cron-parser';
import { CLASSIFICATIONS, Classification } from '../../update-revision';
import { PRODUCT_PATTERN } from '../feed-item.validator';
import { SYNC_SCHEDULE_TIME_ZONE } from '../sync-queue';
import { UpstreamKind } from '../upstream-reader';

export const UPSTREAM_KINDS: UpstreamKind[] = ['feed', 'patchgate'];

const SCHEMES: Record<UpstreamKind, string[]> = { feed: ['http:', 'https:', 'file:'], patchgate: ['http:', 'https:'] };

/** Why `url` cannot be the upstream of `kind`, or null. */
export function upstreamUrlProblem(kind: UpstreamKind, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute URL';
  }
  const schemes = SCHEMES[kind] ?? [];
  if (!schemes.includes(parsed.protocol)) return `url of a ${kind} upstream must be ${schemes.map((s) => `${s}//`).join(', ')}`;
  if (parsed.username || parsed.password) return 'url must not carry credentials; give the token instead';
  if (parsed.protocol === 'file:' && parsed.host) return 'url must be a local file:/// URL';
  return null;
}

/** A cron expression the scheduler accepts: five fields (minute precision), or a macro such as @daily. */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (!text.startsWith('@') && text.split(/\s+/).length !== 5) {
    return 'schedule must be a cron expression of 5 fields (minute hour day-of-month month day-of-week), or a macro such as @daily';
  }
  try {
    CronExpressionParser.parse(text, { tz: SYNC_SCHEDULE_TIME_ZONE });
    return null;
  } catch (error) {
    return `schedule is not a valid cron expression: ${(error as Error).message}`;
  }
}

function IsUpstreamUrl() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isUpstreamUrl',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          typeof value === 'string' && upstreamUrlProblem((args.object as UpstreamConfigDto).kind, value) === null,
        defaultMessage: (args: ValidationArguments) =>
          typeof args.value === 'string' ? (upstreamUrlProblem((args.object as UpstreamConfigDto).kind, args.value) ?? 'url is invalid') : 'url must be a string',
      },
    });
}

export function IsCronExpression() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCronExpression',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => value === null || value === undefined || (typeof value === 'string' && cronProblem(value) === null),
        defaultMessage: (args: ValidationArguments) => (typeof args.value === 'string' ? (cronProblem(args.value) ?? 'invalid') : 'schedule must be a string or null'),
      },
    });
}

export class UpstreamConfigDto {
  @ApiProperty({ enum: UPSTREAM_KINDS, description: '`feed`: a static JSON feed; `patchgate`: another Patchgate server' })
  @IsIn(UPSTREAM_KINDS)
  kind: UpstreamKind;

  @ApiProperty({
    description:
      'feed: URL of the first page (http://, https:// or file:///); patchgate: the upstream server\'s `/upstream/v1/catalog` URL (http:// or https://)',
    example: 'https://hq.example.com/upstream/v1/catalog',
  })
  @IsString() @MaxLength(2048) @IsUpstreamUrl()
  url: string;

  @ApiPropertyOptional({
    nullable: true,
    writeOnly: true,
    description:
      'Bearer token sent to the upstream (a `patchgate` upstream requires its downstream token). Omit to keep the stored token ' +
      'while kind and url stay the same; null removes it. Never returned.',
  })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(1024)
  token?: string | null;
}

export class PutSyncConfigDto {
  @ApiProperty({ type: UpstreamConfigDto })
  @ValidateNested() @Type(() => UpstreamConfigDto)
  upstream: UpstreamConfigDto;

  @ApiPropertyOptional({
    nullable: true,
    description: 'cron expression, in UTC, of scheduled syncs (e.g. `0 3 * * *`); null or omitted: manual syncs only',
    example: '0 3 * * *',
  })
  @IsOptional() @IsString() @MaxLength(120) @IsCronExpression()
  schedule?: string | null;

  @ApiPropertyOptional({
    type: [String],
    description: 'sync only updates for these products or products below them (e.g. `Windows` takes `Windows/Windows 11`); empty: all',
    example: ['Windows/Windows Server 2022', 'Office'],
  })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @IsString({ each: true }) @MaxLength(200, { each: true })
  @Matches(PRODUCT_PATTERN, { each: true, message: 'each product must be a path of /-separated, non-blank segments' })
  products?: string[];

  @ApiPropertyOptional({ enum: CLASSIFICATIONS, isArray: true, description: 'sync only these classifications; empty: all' })
  @IsOptional() @IsArray() @IsIn(CLASSIFICATIONS, { each: true })
  classifications?: Classification[];
}

export class UpstreamConfigViewDto {
  @ApiProperty({ enum: UPSTREAM_KINDS }) kind: UpstreamKind;
  @ApiProperty() url: string;
  @ApiProperty({ description: 'a token is stored (it is never returned)' }) hasToken: boolean;
}

export class SyncConfigDto {
  @ApiProperty({ type: UpstreamConfigViewDto, nullable: true, description: 'null until an upstream is configured' })
  upstream: UpstreamConfigViewDto | null;

  @ApiProperty({ nullable: true, description: 'cron expression (UTC) of scheduled syncs' })
  schedule: string | null;

  @ApiProperty({ nullable: true, description: 'when the next scheduled sync is due' })
  nextRunAt: string | null;

  @ApiProperty({ type: [String] }) products: string[];
  @ApiProperty({ enum: CLASSIFICATIONS, isArray: true }) classifications: Classification[];
  @ApiProperty({ nullable: true }) updatedAt: string | null;
  @ApiProperty({ nullable: true }) updatedBy: string | null;
}
