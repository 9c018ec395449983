import { Module } from '@nestjs/common';
import { ContentModule } from '../content/content.module';
import { OffersModule } from '../offers/offers.module';
import { ContentDeliveryService } from './content-delivery.service';

/**
 * Stored files served to computers (`/content/v1/files`), each only the files of its own offer: an
 * adapter over the offer engine (src/modules/offers/) and the content store (src/modules/content/).
 * Its own folder, so that the offer engine, which reads the content mode, and the content store do
 * not depend on each other in a cycle. Its controller is listed by src/api.module.ts (HTTP only).
 */
@Module({
  imports: [ContentModule, OffersModule],
  providers: [ContentDeliveryService],
  exports: [ContentDeliveryService],
})
export class ContentDeliveryModule {}
