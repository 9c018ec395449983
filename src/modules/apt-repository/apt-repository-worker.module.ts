import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { AptPublicationProcessor } from './apt-publication.processor';
import { AptRenewalProcessor } from './apt-renewal.processor';
import { AptRenewalScheduler } from './apt-renewal.scheduler';
import { AptRepositoryModule } from './apt-repository.module';

/** The worker's side of the APT repositories: building publications the API asks for, the hourly Valid-Until renewal. */
@Module({
  imports: [AptRepositoryModule, BullModule.registerQueue({ name: QueueName.Apt })],
  providers: [AptPublicationProcessor, AptRenewalProcessor, AptRenewalScheduler],
})
export class AptRepositoryWorkerModule {}
