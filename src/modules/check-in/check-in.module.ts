import { Module } from '@nestjs/common';
import { DpkgInventoryModule } from '../dpkg-inventory/dpkg-inventory.module';
import { OffersModule } from '../offers/offers.module';
import { SigningModule } from '../signing/signing.module';
import { CheckInRepository } from './check-in.repository';
import { CheckInService } from './check-in.service';
import { LastSeenRecorder } from './last-seen.recorder';

/** The signed JSON check-in of the client protocol: an adapter over the offer engine. */
@Module({
  imports: [DpkgInventoryModule, OffersModule, SigningModule],
  providers: [CheckInRepository, CheckInService, LastSeenRecorder],
  exports: [CheckInService],
})
export class CheckInModule {}
