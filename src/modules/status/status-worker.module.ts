import { Module } from '@nestjs/common';
import { PersistedEventsCounter } from '../metrics/persisted-events.counter';
import { StatusBatcher } from './status-batcher';
import { StatusIngestProcessor } from './status-ingest.processor';
import { StatusModule } from './status.module';

/** Worker side: stores queued reports in batches. */
@Module({
  imports: [StatusModule],
  providers: [StatusBatcher, StatusIngestProcessor, PersistedEventsCounter],
})
export class StatusWorkerModule {}
