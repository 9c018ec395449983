import { Module } from '@nestjs/common';
import { ContentCoreModule } from './content-core.module';
import { ContentProcessor } from './content.processor';

/** The worker's side of the content store: the download queue's consumer. */
@Module({
  imports: [ContentCoreModule],
  providers: [ContentProcessor],
})
export class ContentWorkerModule {}
