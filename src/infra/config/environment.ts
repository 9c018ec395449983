import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { isStrongSecret } from './secret-strength';
import { parseTrustProxy } from './trust-proxy';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  return value; // left as a string so @IsBoolean names the variable
};

const toInteger = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  return /^-?\d+$/.test(String(value)) ? Number(value) : value;
};

/** The process environment as Patchgate reads it. Every field is one variable of the README's Configuration table (docs/design.md §2). */
export class Environment {
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  @IsOptional() @IsString()
  HOST?: string;

  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// connection string' })
  DATABASE_URL?: string;

  @IsOptional() @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional() @IsString() @MinLength(1)
  PATCHGATE_DATA_DIR?: string;

  @IsOptional() @Matches(/^[a-zA-Z0-9_.@-]{1,64}$/, { message: 'PATCHGATE_ADMIN_USER must be 1-64 letters, digits or _.@-' })
  PATCHGATE_ADMIN_USER?: string;

  @IsOptional() @IsString() @MinLength(12) @MaxLength(256)
  PATCHGATE_ADMIN_PASSWORD?: string;

  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  @ValidateBy({ name: 'strongSecret', validator: { validate: isStrongSecret } }, {
    message: 'JWT_SECRET looks like a placeholder or has too little entropy: generate one, e.g. `openssl rand -base64 48`',
  })
  JWT_SECRET?: string;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(60) @Max(86400)
  JWT_EXPIRES_IN_SECONDS?: number;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  PATCHGATE_SAMPLE_FEED?: boolean;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional() @Matches(/^[a-zA-Z0-9_-]{1,32}$/, { message: 'PATCHGATE_REDIS_PREFIX must be 1-32 letters, digits, _ or -' })
  PATCHGATE_REDIS_PREFIX?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  PATCHGATE_RUN_MIGRATIONS?: boolean;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(100) @Max(600_000)
  PATCHGATE_SYNC_HTTP_TIMEOUT_MS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(10)
  PATCHGATE_SYNC_HTTP_ATTEMPTS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(60_000)
  PATCHGATE_SYNC_RETRY_DELAY_MS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1024) @Max(1024 * 1024 * 1024)
  PATCHGATE_SYNC_MAX_PAGE_BYTES?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(3650)
  PATCHGATE_STATUS_HISTORY_DAYS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(36500)
  PATCHGATE_AUDIT_EVENT_RETENTION_DAYS?: number;

  @IsOptional() @IsIn(['none', 'on_approval', 'all'], { message: 'PATCHGATE_CONTENT_MODE must be none, on_approval or all' })
  PATCHGATE_CONTENT_MODE?: 'none' | 'on_approval' | 'all';

  @IsOptional() @IsString() @MinLength(1)
  PATCHGATE_CONTENT_DIR?: string;

  @IsOptional()
  @Matches(/^https?:\/\/[^/?#]+(\/[^?#]*)?$/, { message: 'PATCHGATE_PUBLIC_URL must be an http(s) URL without query or fragment' })
  PATCHGATE_PUBLIC_URL?: string;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(64)
  PATCHGATE_CONTENT_CONCURRENCY?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(20)
  PATCHGATE_CONTENT_ATTEMPTS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(3_600_000)
  PATCHGATE_CONTENT_RETRY_DELAY_MS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1000) @Max(86_400_000)
  PATCHGATE_CONTENT_DOWNLOAD_TIMEOUT_MS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  PATCHGATE_CONTENT_MAX_FILE_BYTES?: number;

  @IsOptional() @IsString()
  @MinLength(16, { message: 'PATCHGATE_METRICS_TOKEN must be at least 16 characters' }) @MaxLength(256)
  PATCHGATE_METRICS_TOKEN?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  PATCHGATE_METRICS_OPEN?: boolean;

  @IsOptional() @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value)) @IsString() @MaxLength(2048)
  @Matches(/^\/[^:\0]*(:\/[^:\0]*)*$/, { message: 'PATCHGATE_FILE_URL_ROOT must be absolute directories separated by ":"' })
  PATCHGATE_FILE_URL_ROOT?: string;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  PATCHGATE_ALLOW_PRIVATE_UPSTREAMS?: boolean;

  @IsOptional() @Transform(toBoolean) @IsBoolean()
  PATCHGATE_API_DOCS?: boolean;

  @IsOptional() @Matches(/^\s*https?:\/\/[^,\s]+(\s*,\s*https?:\/\/[^,\s]+)*\s*$/, {
    message: 'PATCHGATE_CORS_ORIGINS must be a comma-separated list of http(s):// origins',
  })
  PATCHGATE_CORS_ORIGINS?: string;

  @IsOptional() @IsString()
  @ValidateBy({ name: 'trustProxy', validator: { validate: (value) => typeof value === 'string' && parseTrustProxy(value) !== undefined } }, {
    message: 'PATCHGATE_TRUST_PROXY must be false, a hop count 1-10 (true: 1), or a comma-separated list of proxy addresses or CIDRs',
  })
  PATCHGATE_TRUST_PROXY?: string;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1000) @Max(600_000)
  PATCHGATE_REQUEST_TIMEOUT_MS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1000) @Max(600_000)
  PATCHGATE_KEEP_ALIVE_TIMEOUT_MS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(1000)
  PATCHGATE_LOGIN_MAX_FAILURES_PER_USER?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(10_000)
  PATCHGATE_LOGIN_MAX_FAILURES_PER_IP?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(86400)
  PATCHGATE_LOGIN_LOCK_SECONDS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(1_000_000)
  PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(1_000_000)
  PATCHGATE_RATE_LIMIT_API_TOKEN_PER_MINUTE?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1000) @Max(600_000)
  PATCHGATE_QUEUE_STALLED_INTERVAL_MS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(60_000)
  PATCHGATE_LOCAL_CACHE_MAX_AGE_MS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(1_000_000)
  PATCHGATE_LOCAL_CACHE_MAX_COMPUTERS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(90)
  PATCHGATE_APT_VALID_DAYS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(100) @Max(600_000)
  PATCHGATE_APT_PUBLISH_TIMEOUT_MS?: number;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates the raw environment; throws a ConfigurationError naming every bad variable. */
export function parseEnvironment(raw: NodeJS.ProcessEnv): Environment {
  // An empty value counts as unset: docker compose passes `${VAR:-}` through as ''.
  const known = Object.fromEntries(Object.entries(raw).filter(([key, value]) => ENVIRONMENT_KEYS.has(key) && value !== ''));
  const env = plainToInstance(Environment, known);
  const errors = validateSync(env, { forbidUnknownValues: false });
  if (errors.length) {
    throw new ConfigurationError(errors.flatMap((e) => Object.values(e.constraints ?? { invalid: `${e.property} is invalid` })));
  }
  return env;
}

const ENVIRONMENT_KEYS = new Set([
  'PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'PATCHGATE_DATA_DIR', 'PATCHGATE_ADMIN_USER',
  'PATCHGATE_ADMIN_PASSWORD', 'JWT_SECRET', 'JWT_EXPIRES_IN_SECONDS', 'PATCHGATE_SAMPLE_FEED', 'LOG_LEVEL',
  'PATCHGATE_REDIS_PREFIX', 'PATCHGATE_RUN_MIGRATIONS',
  'PATCHGATE_SYNC_HTTP_TIMEOUT_MS', 'PATCHGATE_SYNC_HTTP_ATTEMPTS', 'PATCHGATE_SYNC_RETRY_DELAY_MS', 'PATCHGATE_SYNC_MAX_PAGE_BYTES', 'PATCHGATE_STATUS_HISTORY_DAYS',
  'PATCHGATE_AUDIT_EVENT_RETENTION_DAYS', 'PATCHGATE_METRICS_TOKEN', 'PATCHGATE_METRICS_OPEN', 'PATCHGATE_API_DOCS',
  'PATCHGATE_CONTENT_MODE', 'PATCHGATE_CONTENT_DIR', 'PATCHGATE_PUBLIC_URL', 'PATCHGATE_CONTENT_CONCURRENCY', 'PATCHGATE_CONTENT_ATTEMPTS',
  'PATCHGATE_CONTENT_RETRY_DELAY_MS', 'PATCHGATE_CONTENT_DOWNLOAD_TIMEOUT_MS', 'PATCHGATE_CONTENT_MAX_FILE_BYTES',
  'PATCHGATE_CORS_ORIGINS', 'PATCHGATE_TRUST_PROXY', 'PATCHGATE_REQUEST_TIMEOUT_MS',
  'PATCHGATE_KEEP_ALIVE_TIMEOUT_MS', 'PATCHGATE_LOGIN_MAX_FAILURES_PER_USER', 'PATCHGATE_LOGIN_MAX_FAILURES_PER_IP',
  'PATCHGATE_LOGIN_LOCK_SECONDS', 'PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE', 'PATCHGATE_RATE_LIMIT_API_TOKEN_PER_MINUTE',
  'PATCHGATE_QUEUE_STALLED_INTERVAL_MS', 'PATCHGATE_LOCAL_CACHE_MAX_AGE_MS', 'PATCHGATE_LOCAL_CACHE_MAX_COMPUTERS', 'PATCHGATE_APT_VALID_DAYS', 'PATCHGATE_APT_PUBLISH_TIMEOUT_MS', 'PATCHGATE_FILE_URL_ROOT', 'PATCHGATE_ALLOW_PRIVATE_UPSTREAMS',
]);
