import { Module } from '@nestjs/common';
import { ContentCoreModule } from './content-core.module';
import { ContentController } from './content.controller';
import { ContentMetrics } from './content.metrics';

/**
 * The API's side of the content store: its configuration and status. File downloads for computers
 * are a client protocol over the offer engine: src/modules/content-delivery/.
 */
@Module({
  imports: [ContentCoreModule],
  controllers: [ContentController],
  providers: [ContentMetrics],
})
export class ContentModule {}
