import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { StatusController } from './status.controller';
import { StatusRepository } from './status.repository';
import { StatusService } from './status.service';

/** API side: accepts reports into the queue. */
@Module({
  imports: [BullModule.registerQueue({ name: QueueName.StatusIngest })],
  controllers: [StatusController],
  providers: [StatusService, StatusRepository],
  exports: [StatusRepository],
})
export class StatusModule {}
