import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from './app-config';
import { ConfigurationError, parseEnvironment } from './environment';

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'q7Vd2LmX9sKp4TzR8wNc3HbJ6yFg1UeA',
};

describe(AppConfig.name, () => {
  it('applies the documented defaults (README, Configuration)', () => {
    const config = AppConfig.fromEnvironment({ ...base });
    expect(config.port).toBe(8530);
    expect(config.adminUser).toBe('admin');
    expect(config.sampleFeed).toBe(false);
    expect(config.localMode).toBe(false);
    expect(config.sync).toEqual({ httpTimeoutMs: 30_000, httpAttempts: 3, retryDelayMs: 1000, maxPageBytes: 64 * 1024 * 1024 });
    expect(config.metricsToken).toBeNull();
    expect(AppConfig.fromEnvironment({ ...base, PATCHGATE_METRICS_TOKEN: '' }).metricsToken).toBeNull();
    expect(config.localCache).toEqual({ maxAgeMs: 5000, maxComputers: 20_000 });
    expect(AppConfig.fromEnvironment({ ...base, PATCHGATE_LOCAL_CACHE_MAX_AGE_MS: '0' }).localCache.maxAgeMs).toBe(0);
  });

  it('takes an empty variable, as docker compose passes an unset one, for unset', () => {
    const config = AppConfig.fromEnvironment({ ...base, PATCHGATE_ADMIN_PASSWORD: '', PATCHGATE_PUBLIC_URL: '', PORT: '' });
    expect(config.adminPassword).toBeUndefined();
    expect(config.port).toBe(8530);
  });

  it('stores content on approval by default, under the data dir, with links on the request host', () => {
    const config = AppConfig.fromEnvironment({ ...base, PATCHGATE_DATA_DIR: '/var/lib/patchgate', PATCHGATE_PUBLIC_URL: '' });
    expect(config.content).toEqual({ initialMode: 'on_approval', dir: '/var/lib/patchgate/content', publicUrl: null, concurrency: 4, attempts: 5, retryDelayMs: 5000, downloadTimeoutMs: 3_600_000, maxFileBytes: 16 * 1024 ** 3 });
    expect(AppConfig.fromEnvironment({ ...base, PATCHGATE_PUBLIC_URL: 'https://pg.example.com/' }).content.publicUrl).toBe('https://pg.example.com');
  });

  it('turns the sample feed on by default in local mode', () => {
    expect(AppConfig.fromEnvironment({ ...base, PATCHGATE_LOCAL_MODE: '1' }).sampleFeed).toBe(true);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['JWT_SECRET', 'short'],
    ['JWT_SECRET', 'change-me-to-at-least-32-random-characters'],
    ['JWT_SECRET', 'x'.repeat(64)],
    ['JWT_SECRET', 'abababababababababababababababababababab'],
    ['PATCHGATE_METRICS_OPEN', 'perhaps'],
    ['PATCHGATE_SAMPLE_FEED', 'maybe'],
    ['PATCHGATE_METRICS_TOKEN', 'too-short'],
    ['LOG_LEVEL', 'loud'],
    ['PATCHGATE_ADMIN_PASSWORD', 'short'],
    ['PATCHGATE_SYNC_HTTP_TIMEOUT_MS', '10'],
    ['PATCHGATE_SYNC_HTTP_ATTEMPTS', '0'],
    ['PATCHGATE_SYNC_MAX_PAGE_BYTES', '64MiB'],
    ['PATCHGATE_CONTENT_MODE', 'always'],
    ['PATCHGATE_PUBLIC_URL', 'patchgate.example.com'],
    ['PATCHGATE_PUBLIC_URL', 'https://patchgate.example.com/?x=1'],
    ['PATCHGATE_CONTENT_CONCURRENCY', '0'],
    ['PATCHGATE_CORS_ORIGINS', '*'],
    ['PATCHGATE_CORS_ORIGINS', 'https://a.example.com,console.example.com'],
    ['PATCHGATE_TRUST_PROXY', 'sometimes'],
    ['PATCHGATE_REQUEST_TIMEOUT_MS', '10'],
    ['PATCHGATE_LOGIN_MAX_FAILURES_PER_USER', '0'],
    ['PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE', 'lots'],
  ])('refuses %s=%s and names the variable', (name, value) => {
    expect(() => parseEnvironment({ ...base, [name]: value })).toThrow(ConfigurationError);
    expect(() => parseEnvironment({ ...base, [name]: value })).toThrow(new RegExp(name));
  });

  it('keeps CORS off and trusts no proxy by default; reads a list of origins', () => {
    const config = AppConfig.fromEnvironment({ ...base });
    expect(config.corsOrigins).toEqual([]);
    expect(config.trustProxy).toBe(false);
    const withOrigins = AppConfig.fromEnvironment({ ...base, PATCHGATE_CORS_ORIGINS: 'https://a.example.com, http://localhost:3000' });
    expect(withOrigins.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:3000']);
  });

  it('defaults rate limits that an agent polling every minute, with retries, stays far below', () => {
    const { rateLimits } = AppConfig.fromEnvironment({ ...base });
    expect(rateLimits).toEqual({ loginFailuresPerUser: 5, loginFailuresPerIp: 50, loginLockSeconds: 900, computerPerMinute: 600, apiTokenPerMinute: 1200 });
  });

  it('refuses the placeholder JWT_SECRET of config/example.env, and takes generated ones', () => {
    const example = readFileSync(join(__dirname, '../../../config/example.env'), 'utf8');
    const placeholder = /^JWT_SECRET=(.*)$/m.exec(example)![1];
    expect(() => parseEnvironment({ ...base, JWT_SECRET: placeholder })).toThrow(/JWT_SECRET looks like a placeholder/);
    for (let i = 0; i < 200; i++) {
      expect(() => parseEnvironment({ ...base, JWT_SECRET: randomBytes(16).toString('hex') })).not.toThrow();
      expect(() => parseEnvironment({ ...base, JWT_SECRET: randomBytes(48).toString('base64url') })).not.toThrow();
    }
  });

  it('closes /metrics (without a token) and /api/docs outside local mode unless asked; opens them in local mode', () => {
    const production = AppConfig.fromEnvironment({ ...base });
    expect([production.metricsOpen, production.apiDocs]).toEqual([false, false]);
    const opened = AppConfig.fromEnvironment({ ...base, PATCHGATE_METRICS_OPEN: 'true', PATCHGATE_API_DOCS: 'true' });
    expect([opened.metricsOpen, opened.apiDocs]).toEqual([true, true]);
    const local = AppConfig.fromEnvironment({ ...base, PATCHGATE_LOCAL_MODE: '1' });
    expect([local.metricsOpen, local.apiDocs]).toEqual([true, true]);
  });

  it('requires JWT_SECRET outside local mode', () => {
    expect(() => AppConfig.fromEnvironment({ ...base, JWT_SECRET: undefined })).toThrow(/JWT_SECRET/);
  });
});
