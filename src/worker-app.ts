import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig } from './infra/config/app-config';
import { configureQueueWorkers } from './infra/queue/queue.module';
import { WorkerModule } from './worker.module';

/** The BullMQ worker as an application context: no HTTP server. */
export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  configureQueueWorkers(config);
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  context.useLogger(context.get(Logger));
  await context.init();
  return context;
}
