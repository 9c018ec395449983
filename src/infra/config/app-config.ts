import { resolve } from 'node:path';
import { ConfigurationError, Environment, parseEnvironment } from './environment';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

/**
 * The validated, defaulted configuration every module reads. Built once at start; the process
 * refuses to start when a value is bad and says which variable.
 */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly dataDir: string;
  readonly adminUser: string;
  readonly adminPassword?: string;
  readonly jwtSecret: string;
  readonly jwtExpiresInSeconds: number;
  readonly sampleFeed: boolean;
  readonly logLevel: string;
  readonly runMigrations: boolean;
  /** How the catalog sync reads its upstream: per-request time limit, attempts, page size cap. */
  readonly sync: { httpTimeoutMs: number; httpAttempts: number; retryDelayMs: number; maxPageBytes: number };
  /**
   * Seeds the maintenance setting `statusHistoryDays` on the first start with maintenance; the
   * maintenance configuration (PUT /api/v1/maintenance/config) rules after that.
   */
  readonly statusHistoryDays: number;
  /** Audit events older than this many days are pruned daily; null (the default): kept forever. */
  readonly auditEventRetentionDays: number | null;
  /**
   * The content store (docs/content.md): the mode used until an admin sets one, where files live,
   * the public base URL of offered file links (null: the check-in request's own host), and the
   * download queue's concurrency, attempts and first retry delay.
   */
  readonly content: {
    initialMode: 'none' | 'on_approval' | 'all';
    dir: string;
    publicUrl: string | null;
    concurrency: number;
    attempts: number;
    retryDelayMs: number;
    /** one download attempt, start to last byte */
    downloadTimeoutMs: number;
    /** a file declared larger is not downloaded at all */
    maxFileBytes: number;
  };
  /** Bearer token GET /metrics requires; null: /metrics is open (bind or firewall it). */
  readonly metricsToken: string | null;
  /** /metrics without a token: only when asked (PATCHGATE_METRICS_OPEN) or in local mode. */
  readonly metricsOpen: boolean;
  /** /api/docs and /api/docs-json: only when asked (PATCHGATE_API_DOCS) or in local mode. */
  readonly apiDocs: boolean;
  /** True when the process started its own PostgreSQL and Redis (local mode). */
  readonly localMode: boolean;
  /** Browser origins allowed by CORS; empty (the default): CORS stays off. */
  readonly corsOrigins: string[];
  /** Behind a reverse proxy: take the client IP from X-Forwarded-For (login limits and audit use it). */
  /** Fastify's trustProxy: false, a hop count or trusted proxy addresses (trust-proxy.ts). */
  readonly trustProxy: TrustProxy;
  /** HTTP server time limits: a whole request (headers and body), and an idle keep-alive connection. */
  readonly http: { requestTimeoutMs: number; keepAliveTimeoutMs: number };
  /**
   * Rate limits, counted in Redis so they hold across API processes. Failed logins lock a username
   * (and an IP) for lockSeconds once reached; computers and API tokens get so many requests a minute.
   */
  readonly rateLimits: {
    loginFailuresPerUser: number;
    loginFailuresPerIp: number;
    loginLockSeconds: number;
    computerPerMinute: number;
    apiTokenPerMinute: number;
  };
  /** How often BullMQ workers look for jobs whose worker died (their lock expired). */
  readonly queueStalledIntervalMs: number;
  /**
   * The in-process copies of Redis-held versions and token lookups (src/infra/redis/cache-invalidations.ts):
   * how long an entry may be used at most (0: no in-process copies) and how many computers are held.
   */
  readonly localCache: { maxAgeMs: number; maxComputers: number };
  /**
   * APT repositories (docs/debian.md): a Release file's Valid-Until is its Date plus this many days;
   * how long a request waits for the worker to build a suite's publication before it answers 503.
   */
  readonly apt: { validDays: number; publishTimeoutMs: number };
  /**
   * What upstream and content URLs may reach (src/infra/http/outbound-policy.ts): file:// only
   * under these directories (none: refused; local mode sets the sample feed's), http(s) to
   * loopback, link-local and private addresses only when allowed.
   */
  readonly outbound: { fileRoots: string[]; allowPrivate: boolean };

  constructor(env: Environment, localMode: boolean) {
    const missing = (name: string) => new ConfigurationError([`${name} is required outside local mode`]);
    if (!env.DATABASE_URL) throw missing('DATABASE_URL');
    if (!env.REDIS_URL) throw missing('REDIS_URL');
    if (!env.JWT_SECRET) throw missing('JWT_SECRET');
    this.port = env.PORT ?? 8530;
    this.host = env.HOST ?? (localMode ? '127.0.0.1' : '0.0.0.0');
    this.databaseUrl = env.DATABASE_URL;
    this.redisUrl = env.REDIS_URL;
    this.redisPrefix = env.PATCHGATE_REDIS_PREFIX ?? 'patchgate';
    this.dataDir = resolve(env.PATCHGATE_DATA_DIR ?? '.data');
    this.adminUser = env.PATCHGATE_ADMIN_USER ?? 'admin';
    this.adminPassword = env.PATCHGATE_ADMIN_PASSWORD;
    this.jwtSecret = env.JWT_SECRET;
    this.jwtExpiresInSeconds = env.JWT_EXPIRES_IN_SECONDS ?? 3600;
    this.sampleFeed = env.PATCHGATE_SAMPLE_FEED ?? localMode;
    this.logLevel = env.LOG_LEVEL ?? 'info';
    this.runMigrations = env.PATCHGATE_RUN_MIGRATIONS ?? true;
    this.sync = {
      httpTimeoutMs: env.PATCHGATE_SYNC_HTTP_TIMEOUT_MS ?? 30_000,
      httpAttempts: env.PATCHGATE_SYNC_HTTP_ATTEMPTS ?? 3,
      retryDelayMs: env.PATCHGATE_SYNC_RETRY_DELAY_MS ?? 1000,
      maxPageBytes: env.PATCHGATE_SYNC_MAX_PAGE_BYTES ?? 64 * 1024 * 1024,
    };
    this.statusHistoryDays = env.PATCHGATE_STATUS_HISTORY_DAYS ?? 180;
    this.auditEventRetentionDays = env.PATCHGATE_AUDIT_EVENT_RETENTION_DAYS ?? null;
    this.content = {
      initialMode: env.PATCHGATE_CONTENT_MODE ?? 'on_approval',
      dir: resolve(env.PATCHGATE_CONTENT_DIR ?? resolve(this.dataDir, 'content')),
      publicUrl: env.PATCHGATE_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
      concurrency: env.PATCHGATE_CONTENT_CONCURRENCY ?? 4,
      attempts: env.PATCHGATE_CONTENT_ATTEMPTS ?? 5,
      retryDelayMs: env.PATCHGATE_CONTENT_RETRY_DELAY_MS ?? 5000,
      downloadTimeoutMs: env.PATCHGATE_CONTENT_DOWNLOAD_TIMEOUT_MS ?? 3_600_000,
      maxFileBytes: env.PATCHGATE_CONTENT_MAX_FILE_BYTES ?? 16 * 1024 ** 3,
    };
    this.metricsToken = env.PATCHGATE_METRICS_TOKEN ?? null;
    this.metricsOpen = env.PATCHGATE_METRICS_OPEN ?? localMode;
    this.apiDocs = env.PATCHGATE_API_DOCS ?? localMode;
    this.localMode = localMode;
    this.corsOrigins = (env.PATCHGATE_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
    this.trustProxy = parseTrustProxy(env.PATCHGATE_TRUST_PROXY) ?? false;
    this.http = {
      requestTimeoutMs: env.PATCHGATE_REQUEST_TIMEOUT_MS ?? 30_000,
      keepAliveTimeoutMs: env.PATCHGATE_KEEP_ALIVE_TIMEOUT_MS ?? 65_000,
    };
    this.rateLimits = {
      loginFailuresPerUser: env.PATCHGATE_LOGIN_MAX_FAILURES_PER_USER ?? 5,
      loginFailuresPerIp: env.PATCHGATE_LOGIN_MAX_FAILURES_PER_IP ?? 50,
      loginLockSeconds: env.PATCHGATE_LOGIN_LOCK_SECONDS ?? 900,
      // An agent calls once per check-in interval (a minute at the shortest), plus its status
      // reports and retries: a few calls a minute at worst.
      computerPerMinute: env.PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE ?? 600,
      apiTokenPerMinute: env.PATCHGATE_RATE_LIMIT_API_TOKEN_PER_MINUTE ?? 1200,
    };
    this.queueStalledIntervalMs = env.PATCHGATE_QUEUE_STALLED_INTERVAL_MS ?? 30_000;
    this.localCache = { maxAgeMs: env.PATCHGATE_LOCAL_CACHE_MAX_AGE_MS ?? 5000, maxComputers: env.PATCHGATE_LOCAL_CACHE_MAX_COMPUTERS ?? 20_000 };
    this.apt = { validDays: env.PATCHGATE_APT_VALID_DAYS ?? 7, publishTimeoutMs: env.PATCHGATE_APT_PUBLISH_TIMEOUT_MS ?? 60_000 };
    this.outbound = {
      fileRoots: (env.PATCHGATE_FILE_URL_ROOT ?? '').split(':').filter(Boolean).map((dir) => resolve(dir)),
      allowPrivate: env.PATCHGATE_ALLOW_PRIVATE_UPSTREAMS ?? false,
    };
  }

  static fromEnvironment(raw: NodeJS.ProcessEnv = process.env): AppConfig {
    return new AppConfig(parseEnvironment(raw), raw.PATCHGATE_LOCAL_MODE === '1');
  }
}
