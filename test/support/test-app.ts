import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import passport from 'passport';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/api-app';
import { ApiTokenStrategy } from '../../src/modules/auth/strategies/api-token.strategy';
import { JwtStrategy } from '../../src/modules/auth/strategies/jwt.strategy';
import { FirstAdmin } from '../../src/modules/users/users.service';
import { AppConfig } from '../../src/infra/config/app-config';
import { createWorkerContext } from '../../src/worker-app';
import { HttpClient } from './http-client';

export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' };

export interface TestEnvironment {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  env: Record<string, string>;
}

/** Where a test environment's database and Redis live: by default the shared e2e services. */
export interface TestServices {
  adminDatabaseUrl?: string;
  redisUrl?: string;
}

/** A fresh database and Redis key prefix on the shared e2e services (or on `services`). */
export async function createTestEnvironment(extraEnv: Record<string, string> = {}, services: TestServices = {}): Promise<TestEnvironment> {
  const adminUrl = services.adminDatabaseUrl ?? process.env.PATCHGATE_TEST_ADMIN_DATABASE_URL;
  const redisUrl = services.redisUrl ?? process.env.PATCHGATE_TEST_REDIS_URL;
  if (!adminUrl || !redisUrl) throw new Error('e2e services are not running: use the e2e jest config');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const env = {
    DATABASE_URL: url.toString(),
    REDIS_URL: redisUrl,
    PATCHGATE_REDIS_PREFIX: name,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PATCHGATE_ADMIN_USER: TEST_ADMIN.username,
    PATCHGATE_ADMIN_PASSWORD: TEST_ADMIN.password,
    LOG_LEVEL: 'silent',
    // Tests that are not about the content store keep the offer's upstream URLs, offered at once;
    // test/e2e/content*.e2e-spec.ts choose a storing mode. Stored files go under the run's data dir.
    PATCHGATE_CONTENT_MODE: 'none',
    PATCHGATE_CONTENT_DIR: join(process.env.PATCHGATE_TEST_DATA_DIR ?? tmpdir(), `${name}-content`),
    // Closed by default outside local mode; the tests read both (test/e2e/deployment-defaults checks the defaults).
    PATCHGATE_METRICS_OPEN: 'true',
    PATCHGATE_API_DOCS: 'true',
    // Outside local mode both are off; the tests' upstreams are loopback servers and feeds written
    // under the temp dir or the repository (test/e2e/outbound-policy.e2e-spec.ts turns them off).
    PATCHGATE_ALLOW_PRIVATE_UPSTREAMS: 'true',
    PATCHGATE_FILE_URL_ROOT: [tmpdir(), process.env.PATCHGATE_TEST_DATA_DIR, resolve(__dirname, '../..')].filter(Boolean).join(':'),
    ...extraEnv,
  };
  return { databaseUrl: env.DATABASE_URL, redisUrl, redisPrefix: name, env };
}

export interface TestApp {
  app: NestFastifyApplication;
  worker?: INestApplicationContext;
  http: HttpClient;
  config: AppConfig;
  /** Direct SQL on the test database, for asserting on stored state. */
  db: DataSource;
  environment: TestEnvironment;
  firstAdmin: FirstAdmin | null;
  login(username?: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Passport keeps strategies in one registry per process, so the API started last serves every app's
 * authentication. In production each process runs one API; in a test that runs several, closing one
 * must hand the registry back to a live one, or the others would authenticate through closed pools.
 */
const liveApps: NestFastifyApplication[] = [];

function claimStrategies(app: NestFastifyApplication): void {
  passport.use('jwt', app.get(JwtStrategy, { strict: false }));
  passport.use('api-token', app.get(ApiTokenStrategy, { strict: false }));
}

/** Boots the real API (and optionally the worker) on loopback against the test services. */
export async function startTestApp(options: { withWorker?: boolean; environment?: TestEnvironment; env?: Record<string, string> } = {}): Promise<TestApp> {
  const environment = options.environment ?? (await createTestEnvironment(options.env));
  const config = AppConfig.fromEnvironment({ ...environment.env, ...options.env });
  const { app, firstAdmin } = await createApiApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  liveApps.push(app);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const worker = options.withWorker ? await createWorkerContext(config) : undefined;
  const db = await new DataSource({ type: 'postgres', url: environment.databaseUrl }).initialize();
  const http = new HttpClient(`http://127.0.0.1:${port}`);
  return {
    app,
    worker,
    http,
    config,
    db,
    environment,
    firstAdmin,
    async login(username = TEST_ADMIN.username, password = TEST_ADMIN.password) {
      const response = await http.post('/api/v1/auth/login', { username, password });
      if (response.status !== 200) throw new Error(`login as ${username} failed: ${response.status} ${response.text}`);
      return response.body.accessToken as string;
    },
    async close() {
      liveApps.splice(liveApps.indexOf(app), 1);
      if (liveApps.length) claimStrategies(liveApps[liveApps.length - 1]);
      await app.close();
      await worker?.close();
      await db.destroy();
    },
  };
}
