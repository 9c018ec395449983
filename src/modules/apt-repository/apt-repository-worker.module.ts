import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { AptRenewalProcessor } from './apt-renewal.processor';
import { AptRenewalScheduler } from './apt-renewal.scheduler';
import { AptRepositoryModule } from './apt-repository.module';

/** The worker's side of the APT repositories: the hourly Valid-Until renewal. */
@Module({
  imports: [AptRepositoryModule, BullModule.registerQueue({ name: QueueName.Apt })],
  providers: [AptRenewalProcessor, AptRenewalScheduler],
})
export class AptRepositoryWorkerModule {}
