import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { HandlesJobs } from '../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { AptPublisherService } from './apt-publisher.service';

/** Re-signs APT publications before their Valid-Until passes (docs/debian.md, "Valid-Until"). */
@Processor(QueueName.Apt)
@HandlesJobs(QueueName.Apt, JobName.RenewAptReleases)
export class AptRenewalProcessor extends WorkerHost {
  constructor(private readonly publisher: AptPublisherService) {
    super();
  }

  async process(job: Job): Promise<{ renewed: number }> {
    if (job.name !== JobName.RenewAptReleases) throw new Error(`queue ${QueueName.Apt} has no handler for job ${job.name}`);
    return { renewed: await this.publisher.renewExpiring() };
  }
}
