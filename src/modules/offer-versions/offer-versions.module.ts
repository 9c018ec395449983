import { Global, Module } from '@nestjs/common';
import { OfferVersionsService } from './offer-versions.service';

/** Global so that every writer (sync, approvals, groups, status) can bump without import cycles. */
@Global()
@Module({
  providers: [OfferVersionsService],
  exports: [OfferVersionsService],
})
export class OfferVersionsModule {}
