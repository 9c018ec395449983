import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { ContentModule } from '../content/content.module';
import { OffersModule } from '../offers/offers.module';
import { SigningModule } from '../signing/signing.module';
import { AptCatalogViewRepository } from './apt-catalog-view.repository';
import { AptPublicationsRepository } from './apt-publications.repository';
import { AptPublisherService } from './apt-publisher.service';
import { AptDependencyService } from './dependencies/apt-dependency.service';
import { AptApprovedUpdatesAdapter } from './serving/apt-approved-updates.adapter';
import { AptPublicationRequests } from './serving/apt-publication-requests';
import { AptRepositoryService } from './serving/apt-repository.service';
import { APT_VIEW_RESOLVER } from './serving/apt-view';
import { OfferAptViewResolver } from './serving/offer-apt-view.resolver';

/**
 * APT repositories served to computers (docs/debian.md): publications (built by the worker on the
 * API's request: the apt-publish queue), their signing and storage,
 * each computer's view over the offer engine, the dependency check. A client protocol: its
 * controllers are listed by src/api.module.ts.
 */
@Module({
  imports: [SigningModule, OffersModule, ContentModule, BullModule.registerQueue({ name: QueueName.AptPublish })],
  providers: [
    AptPublicationsRepository,
    AptPublisherService,
    AptCatalogViewRepository,
    OfferAptViewResolver,
    { provide: APT_VIEW_RESOLVER, useExisting: OfferAptViewResolver },
    AptPublicationRequests,
    AptRepositoryService,
    AptDependencyService,
    AptApprovedUpdatesAdapter,
  ],
  exports: [AptPublisherService, AptPublicationsRepository, APT_VIEW_RESOLVER, AptRepositoryService, AptDependencyService, AptApprovedUpdatesAdapter],
})
export class AptRepositoryModule {}
