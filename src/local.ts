import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp, printFirstAdmin } from './api-app';
import { AppConfig } from './infra/config/app-config';
import { ConfigurationError } from './infra/config/environment';
import { readOrCreateSecret } from './infra/config/local-secrets';
import { LocalServices, startLocalServices } from './infra/services/local-services';
import { findSampleFeed, SampleFeedSetup } from './modules/catalog/sync/sample-feed-setup.service';
import { createWorkerContext } from './worker-app';

/**
 * Local mode: with no DATABASE_URL / REDIS_URL, start our own PostgreSQL and Redis under the
 * data dir, then the API and the worker in this one process. Ctrl-C stops all of it.
 */
async function main(): Promise<void> {
  const dataDir = resolve(process.env.PATCHGATE_DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let services: LocalServices | undefined;
  let api: NestFastifyApplication | undefined;
  let worker: INestApplicationContext | undefined;
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping Patchgate…`);
    await api?.close().catch((e: unknown) => console.error('API close failed:', e));
    await worker?.close().catch((e: unknown) => console.error('worker close failed:', e));
    await services?.stop().catch((e: unknown) => console.error('service stop failed:', e));
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
      console.log(`local mode: starting PostgreSQL and Redis under ${dataDir}`);
      services = await startLocalServices({ dataDir, log: (message) => console.log(`  ${message}`) });
      process.env.DATABASE_URL ??= services.databaseUrl;
      process.env.REDIS_URL ??= services.redisUrl;
    }
    process.env.PATCHGATE_DATA_DIR = dataDir;
    process.env.PATCHGATE_LOCAL_MODE = '1';
    // file:// upstreams are read only under PATCHGATE_FILE_URL_ROOT: local mode allows the bundled sample feed.
    const sampleFeed = findSampleFeed();
    if (sampleFeed) process.env.PATCHGATE_FILE_URL_ROOT ??= dirname(sampleFeed);
    process.env.JWT_SECRET ??= readOrCreateSecret(dataDir, 'jwt-secret');
    const config = AppConfig.fromEnvironment();

    const started = await createApiApp(config);
    api = started.app;
    await api.listen({ port: config.port, host: config.host });
    worker = await createWorkerContext(config);
    const sampleSync = await api.get(SampleFeedSetup).configureOnFirstStart();

    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
    console.log(`\nPatchgate is running at ${url}`);
    console.log(`  Console: ${url}/console/`);
    console.log(`  API docs: ${url}/api/docs`);
    if (sampleSync) console.log(`  Sample catalog: syncing ${sampleSync.url} (sync run ${sampleSync.syncRunId})`);
    console.log(`  Update files: stored in ${config.content.dir} (docs/content.md)`);
    printFirstAdmin(started.firstAdmin, url);
    if (!started.firstAdmin) console.log(`  Admin user: ${config.adminUser} (created on an earlier start)`);
    console.log('Press Ctrl-C to stop.');
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigurationError ? error.message : (error as Error).stack}\n`);
    await api?.close().catch(() => undefined);
    await worker?.close().catch(() => undefined);
    await services?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
