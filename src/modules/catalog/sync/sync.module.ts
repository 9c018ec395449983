import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '../../../infra/queue/queue-names';
import { SyncConfigEntity } from './entities/sync-config.entity';
import { SyncRunEntity } from './entities/sync-run.entity';
import { SampleFeedSetup } from './sample-feed-setup.service';
import { SyncConfigRepository } from './sync-config.repository';
import { SyncConfigService } from './sync-config.service';
import { SyncQueue } from './sync-queue';
import { SyncRecoveryService } from './sync-recovery.service';
import { SyncRunLauncher } from './sync-run-launcher.service';
import { SyncRunsRepository } from './sync-runs.repository';
import { AptCatalogRepository } from './upstreams/apt/apt-catalog.repository';
import { upstreamKindProviders } from './upstreams/upstream-kinds';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';

/** The API side of catalog sync: configuration, manual runs, the sync log. Runs are carried out by SyncWorkerModule. */
@Module({
  imports: [TypeOrmModule.forFeature([SyncRunEntity, SyncConfigEntity]), BullModule.registerQueue({ name: QueueName.Sync })],
  controllers: [SyncController],
  providers: [SyncRunsRepository, SyncConfigRepository, SyncQueue, SyncRunLauncher, SyncService, SyncConfigService, SyncRecoveryService, SampleFeedSetup, ...upstreamKindProviders()],
  // AptCatalogRepository: the apt upstream's releases and packages, for the APT repositories.
  exports: [SampleFeedSetup, AptCatalogRepository],
})
export class SyncModule {}
