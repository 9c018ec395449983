import { Module } from '@nestjs/common';
import { SyncModule } from './sync.module';
import { SyncProcessor } from './sync.processor';

/** The worker side of catalog sync: the sync queue's consumer (runs and schedule ticks). */
@Module({
  imports: [SyncModule],
  providers: [SyncProcessor],
})
export class SyncWorkerModule {}
