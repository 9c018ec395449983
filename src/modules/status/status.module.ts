import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { KnownRevisionsCache } from './known-revisions.cache';
import { StatusRepository } from './status.repository';

/**
 * Install states reported by computers. The API's StatusService (queues accepted reports; counts
 * them in the request metrics, so it is registered by src/api.module.ts) and the worker's
 * StatusWorkerModule (stores them in batches) both build on this.
 */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.StatusIngest })],
  providers: [StatusRepository, KnownRevisionsCache],
  exports: [StatusRepository, KnownRevisionsCache, BullModule],
})
export class StatusModule {}
