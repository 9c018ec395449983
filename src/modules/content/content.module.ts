import { Module } from '@nestjs/common';
import { ContentCoreModule } from './content-core.module';
import { ContentDeliveryService } from './content-delivery.service';
import { ContentFilesController } from './content-files.controller';
import { ContentController } from './content.controller';
import { ContentMetrics } from './content.metrics';
import { OffersModule } from '../offers/offers.module';

/** The API's side of the content store: its configuration and status, and file downloads for computers. */
@Module({
  imports: [ContentCoreModule, OffersModule],
  controllers: [ContentController, ContentFilesController],
  providers: [ContentDeliveryService, ContentMetrics],
})
export class ContentModule {}
