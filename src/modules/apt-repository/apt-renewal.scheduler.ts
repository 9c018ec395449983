import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobName, QueueName } from '../../infra/queue/queue-names';

/** Fixed id: every worker upserts the same scheduler, so there is one, however many workers start. */
export const APT_RENEWAL_SCHEDULER_ID = 'apt-renew-releases';

/**
 * Hourly: a publication is renewed once less than half its validity is left (3.5 days by
 * default), so many missed ticks still leave it valid. The tick only enqueues.
 */
export const APT_RENEWAL_PATTERN = '23 * * * *';

@Injectable()
export class AptRenewalScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueName.Apt) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(APT_RENEWAL_SCHEDULER_ID, { pattern: APT_RENEWAL_PATTERN, tz: 'UTC' }, { name: JobName.RenewAptReleases, data: {} });
  }
}
