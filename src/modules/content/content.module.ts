import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config';
import { QueueName } from '../../infra/queue/queue-names';
import { ContentCatalogListener } from './content-catalog.listener';
import { ContentFailuresCounter } from './content-failures.counter';
import { ContentQueue } from './content-queue';
import { ContentRepository } from './content.repository';
import { ContentService } from './content.service';
import { CONTENT_STORAGE } from './storage/content-storage';
import { LocalDiskStorage } from './storage/local-disk.storage';

/**
 * The content store's state and rules, without HTTP or queue consumers: imported by the API (its
 * content routes and file downloads, see src/api.module.ts), by the worker (ContentWorkerModule),
 * and by the domains whose changes decide what is needed (approvals, rules, sync) and what is
 * offered (the offer engine). File downloads for computers are src/modules/content-delivery/; the API
 * registers the HTTP-only ContentMetrics.
 */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Content })],
  providers: [
    ContentRepository,
    ContentQueue,
    ContentService,
    ContentCatalogListener,
    ContentFailuresCounter,
    { provide: CONTENT_STORAGE, inject: [AppConfig], useFactory: (config: AppConfig) => new LocalDiskStorage(config.content.dir) },
  ],
  exports: [ContentRepository, ContentQueue, ContentService, ContentCatalogListener, ContentFailuresCounter, CONTENT_STORAGE],
})
export class ContentModule {}
