import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '../../../infra/queue/queue-names';
import { CatalogChangeListenersModule } from './catalog-change-listeners.module';
import { CatalogWriterRepository } from './catalog-writer.repository';
import { SyncConfigEntity } from './entities/sync-config.entity';
import { SyncRunEntity } from './entities/sync-run.entity';
import { SyncConfigRepository } from './sync-config.repository';
import { SyncQueue } from './sync-queue';
import { SyncRecoveryService } from './sync-recovery.service';
import { SyncRunLauncher } from './sync-run-launcher.service';
import { SyncRunner } from './sync-runner.service';
import { SyncRunsRepository } from './sync-runs.repository';
import { AptCatalogRepository } from './upstreams/apt/apt-catalog.repository';
import { upstreamKindProviders } from './upstreams/upstream-kinds';
import { SyncProcessor } from './sync.processor';

/** The worker side of catalog sync: the sync queue's consumer (runs and schedule ticks). */
@Module({
  imports: [
    TypeOrmModule.forFeature([SyncRunEntity, SyncConfigEntity]),
    BullModule.registerQueue({ name: QueueName.Sync }, { name: QueueName.Rules }),
    CatalogChangeListenersModule,
  ],
  providers: [
    SyncRunsRepository,
    SyncConfigRepository,
    SyncQueue,
    SyncRunLauncher,
    CatalogWriterRepository,
    SyncRunner,
    SyncProcessor,
    SyncRecoveryService,
    ...upstreamKindProviders(),
  ],
  // The apt upstream's releases and packages, for the APT repositories' publishing.
  exports: [AptCatalogRepository],
})
export class SyncWorkerModule {}
