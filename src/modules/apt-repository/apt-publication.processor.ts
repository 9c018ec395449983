import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { HandlesJobs } from '../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { AptPublisherService } from './apt-publisher.service';
import { PublishAptSuiteData, PublishAptSuiteResult } from './serving/apt-publication-requests';
import { APT_VIEW_RESOLVER, AptViewResolver } from './serving/apt-view';

/**
 * Builds an APT suite's publication for the API (docs/architecture.md, "APT publications"): reads
 * the suite's content now, builds its indexes, signs and stores it in one transaction
 * (AptPublisherService.publish), or keeps the current one when its content is unchanged.
 */
@Processor(QueueName.AptPublish)
@HandlesJobs(QueueName.AptPublish, JobName.PublishAptSuite)
export class AptPublicationProcessor extends WorkerHost {
  constructor(
    private readonly publisher: AptPublisherService,
    @Inject(APT_VIEW_RESOLVER) private readonly views: AptViewResolver,
  ) {
    super();
  }

  async process(job: Job<PublishAptSuiteData>): Promise<PublishAptSuiteResult> {
    if (job.name !== JobName.PublishAptSuite) throw new Error(`queue ${QueueName.AptPublish} has no handler for job ${job.name}`);
    const { suiteKey, source, notBefore } = job.data;
    const content = await this.views.suiteContent(source);
    const publication = await this.publisher.publish(suiteKey, content, { notBefore: notBefore === undefined ? undefined : new Date(notBefore) });
    return { publicationId: publication.id, date: publication.date.getTime() };
  }
}
