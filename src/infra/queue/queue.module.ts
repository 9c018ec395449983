import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Global, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Processor, Queue, Worker, WorkerOptions } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { QueueName } from './queue-names';

/**
 * Who uses the queues. The API only adds jobs, from requests: its commands fail at once while Redis
 * is away (the request answers 503; nothing was acknowledged). The worker's connections wait for
 * Redis, as BullMQ requires of its consumers (maxRetriesPerRequest null), and carry on when it is back.
 */
export type QueueRole = 'api' | 'worker';

/**
 * A queue's connection errors (Redis away) go to the log once per message, rather than to stderr
 * as a stack on every reconnection attempt (what BullMQ does when nobody listens).
 */
@Injectable()
class QueueErrorLog implements OnApplicationBootstrap {
  private readonly logger = new Logger('Queue');

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    for (const name of Object.values(QueueName)) {
      let queue: Queue;
      try {
        queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      } catch {
        continue; // not registered in this process
      }
      let last = '';
      queue.on('error', (error) => error.message !== last && this.logger.warn(`${name}: ${(last = error.message)}`));
    }
  }
}

/** BullMQ on the shared Redis; jobs keep their failures for inspection and their successes briefly. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(role: QueueRole): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            // Options, not a client: BullMQ then owns, and closes, the connections it opens.
            connection:
              role === 'api'
                ? { url: config.redisUrl, maxRetriesPerRequest: 1, enableOfflineQueue: false }
                : { url: config.redisUrl, maxRetriesPerRequest: null },
            prefix: `${config.redisPrefix}:bull`,
            defaultJobOptions: {
              attempts: 3,
              backoff: { type: 'exponential', delay: 1000 },
              removeOnComplete: { age: 24 * 3600, count: 1000 },
              removeOnFail: { age: 7 * 24 * 3600 },
            },
          }),
        }),
      ],
      providers: [QueueErrorLog],
      exports: [BullModule],
    };
  }
}

/**
 * The stalled-job check of every BullMQ worker this process creates: a job whose worker died (its
 * lock not renewed for lockDuration) goes back to the queue at the next check. @nestjs/bullmq takes
 * one worker class per process, so this is set before the worker context is created.
 */
export function configureQueueWorkers(config: AppConfig): void {
  const interval = config.queueStalledIntervalMs;
  const logger = new Logger('QueueWorker');
  BullModule.workerClass = class PatchgateWorker extends Worker {
    constructor(name: string, processor: string | URL | null | Processor, opts: WorkerOptions) {
      // runRetryDelay: after a lost connection the worker polls again within 2 s (BullMQ's default is 15 s).
      super(name, processor, { lockDuration: interval, stalledInterval: interval, runRetryDelay: 2000, ...opts });
      // A lost Redis connection is reported here while the worker waits for it to come back.
      this.on('error', (error) => logger.warn(`${name}: ${error.message}`));
    }
  };
}
