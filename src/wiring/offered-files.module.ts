import { Global, Module } from '@nestjs/common';
import { CheckInModule } from '../modules/check-in/check-in.module';
import { CheckInService } from '../modules/check-in/check-in.service';
import { OFFERED_FILES } from '../modules/content/offered-files';

/**
 * Binds the content store's OFFERED_FILES question to the check-in's answer. The check-in depends on
 * the content store (stored files decide the offer), so the binding lives here, outside both
 * module folders, and is global so that the content store's module need not import the check-in.
 * API process only: computers download files there.
 */
@Global()
@Module({
  imports: [CheckInModule],
  providers: [{ provide: OFFERED_FILES, useExisting: CheckInService }],
  exports: [OFFERED_FILES],
})
export class OfferedFilesModule {}
