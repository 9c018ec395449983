import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '../../../infra/queue/queue-names';
import { CatalogWriterRepository } from './catalog-writer.repository';
import { SyncConfigEntity } from './entities/sync-config.entity';
import { SyncRunEntity } from './entities/sync-run.entity';
import { SampleFeedSetup } from './sample-feed-setup.service';
import { SyncConfigRepository } from './sync-config.repository';
import { SyncConfigService } from './sync-config.service';
import { SyncQueue } from './sync-queue';
import { SyncRecoveryService } from './sync-recovery.service';
import { SyncRunLauncher } from './sync-run-launcher.service';
import { SyncRunner } from './sync-runner.service';
import { SyncRunsRepository } from './sync-runs.repository';
import { upstreamKindProviders } from './upstreams/upstream-kinds';
import { SyncService } from './sync.service';

/**
 * Catalog sync: configuration, runs and the sync log, and the runner that carries out a run (the
 * worker's SyncWorkerModule consumes the sync queue with it). The runner calls the domains that
 * react to catalog changes through CATALOG_CHANGE_LISTENERS, bound in
 * src/wiring/catalog-change-listeners.module.ts.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SyncRunEntity, SyncConfigEntity]), BullModule.registerQueue({ name: QueueName.Sync }, { name: QueueName.Rules })],
  providers: [
    SyncRunsRepository,
    SyncConfigRepository,
    SyncQueue,
    SyncRunLauncher,
    SyncService,
    SyncConfigService,
    SyncRecoveryService,
    SampleFeedSetup,
    CatalogWriterRepository,
    SyncRunner,
    ...upstreamKindProviders(),
  ],
  exports: [SyncService, SyncConfigService, SampleFeedSetup, SyncRunsRepository, SyncConfigRepository, SyncQueue, SyncRunLauncher, SyncRunner],
})
export class SyncModule {}
