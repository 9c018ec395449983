import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { CronExpressionParser } from 'cron-parser';
import { CLASSIFICATIONS, Classification } from '../../update-revision';
import { PRODUCT_PATTERN } from '../feed-item.validator';
import { SYNC_SCHEDULE_TIME_ZONE } from '../sync-queue';
import { UpstreamKind } from '../upstreams/upstream-kind';
import { UPSTREAM_KINDS } from '../upstreams/upstream-kinds';

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

/**
 * `upstream` of a kind no registration knows: only its `kind` is checked (and refused). A known
 * kind's `upstream` is read as that kind's DTO (the `kind` property decides, see UPSTREAM_KINDS),
 * so each kind accepts its own fields and refuses every other.
 */
export class UnknownUpstreamConfigDto {
  @ApiProperty({ enum: UPSTREAM_KINDS.map((k) => k.kind) })
  @IsIn(UPSTREAM_KINDS.map((k) => k.kind), { message: `kind must be one of: ${UPSTREAM_KINDS.map((k) => k.kind).join(', ')}` })
  kind: UpstreamKind;
}

@ApiExtraModels(...UPSTREAM_KINDS.map((k) => k.configDto))
export class PutSyncConfigDto {
  @ApiProperty({
    oneOf: UPSTREAM_KINDS.map((k) => ({ $ref: getSchemaPath(k.configDto) })),
    discriminator: { propertyName: 'kind' },
    description: 'the upstream; `kind` decides which fields are allowed',
  })
  @IsObject() @ValidateNested()
  @Type(() => UnknownUpstreamConfigDto, {
    keepDiscriminatorProperty: true,
    discriminator: { property: 'kind', subTypes: UPSTREAM_KINDS.map((k) => ({ name: k.kind, value: k.configDto })) },
  })
  upstream: UnknownUpstreamConfigDto;

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
  @ApiProperty({ enum: UPSTREAM_KINDS.map((k) => k.kind) }) kind: UpstreamKind;
  @ApiProperty({ description: "the upstream's URL (for kinds with several, the first)" }) url: string;
  @ApiProperty({ description: 'a token is stored (it is never returned)' }) hasToken: boolean;
  /** Kind-specific fields (e.g. `apt`: sources, architectures, keys). */
  [field: string]: unknown;
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
