import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { DeadLetteredEventsCounter, PersistedEventsCounter } from './persisted-events.counter';
import { StatusBatcher } from './status-batcher';
import { StatusIngestProcessor } from './status-ingest.processor';
import { StatusRepository } from './status.repository';

/** Worker side: stores queued reports in batches. */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.StatusIngest })],
  providers: [StatusRepository, StatusBatcher, StatusIngestProcessor, PersistedEventsCounter, DeadLetteredEventsCounter],
})
export class StatusWorkerModule {}
