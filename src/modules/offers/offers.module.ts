import { Module } from '@nestjs/common';
import { ContentModule } from '../content/content.module';
import { SettingsModule } from '../settings/settings.module';
import { ComputerContextCache } from './computer-context.cache';
import { GroupOfferCache } from './group-offer.cache';
import { OfferEngine } from './offer-engine.service';
import { OffersRepository } from './offers.repository';

/**
 * The offer engine and what it reads. Client protocols (check-in, content downloads, later APT
 * repositories) import this module and ask OfferEngine; nothing else computes an offer.
 */
@Module({
  imports: [ContentModule, SettingsModule],
  providers: [OffersRepository, ComputerContextCache, GroupOfferCache, OfferEngine],
  exports: [OfferEngine, OffersRepository],
})
export class OffersModule {}
