import { Module } from '@nestjs/common';
import { ContentModule } from './content.module';
import { ContentProcessor } from './content.processor';

/** The worker's side of the content store: the download queue's consumer. */
@Module({
  imports: [ContentModule],
  providers: [ContentProcessor],
})
export class ContentWorkerModule {}
