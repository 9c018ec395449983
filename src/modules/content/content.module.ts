import { Module } from '@nestjs/common';
import { CheckInModule } from '../check-in/check-in.module';
import { ContentCoreModule } from './content-core.module';
import { ContentDeliveryService } from './content-delivery.service';
import { ContentFilesController } from './content-files.controller';
import { ContentReaderGuard } from './content-reader.guard';
import { ContentController } from './content.controller';
import { ContentMetrics } from './content.metrics';

/** The API's side of the content store: its configuration and status, and file downloads for computers and downstream servers. */
@Module({
  imports: [ContentCoreModule, CheckInModule],
  controllers: [ContentController, ContentFilesController],
  providers: [ContentDeliveryService, ContentMetrics, ContentReaderGuard],
})
export class ContentModule {}
