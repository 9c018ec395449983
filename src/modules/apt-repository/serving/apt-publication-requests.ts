import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, QueueEvents } from 'bullmq';
import { DomainError } from '../../../common/errors/domain-error';
import { AppConfig } from '../../../infra/config/app-config';
import { JobName, QueueName } from '../../../infra/queue/queue-names';
import { AptPublicationsRepository, StoredPublication } from '../apt-publications.repository';
import { SuiteSource, ViewSuite } from './apt-view';

/** What a publish-apt-suite job carries (AptPublicationProcessor reads it). */
export interface PublishAptSuiteData {
  suiteKey: string;
  source: SuiteSource;
  /** the lowest Date the publication may carry (ms), when the computer saw a newer one elsewhere */
  notBefore?: number;
}

/** What a publish-apt-suite job returns: the publication it made or kept. */
export interface PublishAptSuiteResult {
  publicationId: string;
  date: number;
}

/** 503 problem+json with Retry-After: the worker did not build the publication in time (it still will). */
export class AptPublicationPendingError extends DomainError {
  constructor(detail: string) {
    super('apt_publication_pending', HttpStatus.SERVICE_UNAVAILABLE, detail, { retryAfterSeconds: APT_PUBLICATION_RETRY_AFTER_SECONDS });
  }
}

export const APT_PUBLICATION_RETRY_AFTER_SECONDS = 30;

/** States in which a job's work is still ahead. */
const NOT_STARTED_OR_RUNNING = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The API's side of building APT publications: it never builds indexes nor signs (that needs
 * hundreds of MB for a baseline; docs/architecture.md, "APT publications"). It queues a
 * publish-apt-suite job for the worker and waits for it up to PATCHGATE_APT_PUBLISH_TIMEOUT_MS,
 * else answers 503 apt_publication_pending (the job stays queued; apt retries).
 *
 * The job id is a hash of the suite key, its tag and the lowest Date asked for, so every request
 * for the same publication, from any API process, shares one job; in this process they also share
 * one wait. A completed job is kept a while (the queue's defaults): a later request for the same
 * tag finds it done at once and reads the suite's current publication, which holds that tag's
 * content or a newer one (the worker reads the content when it runs, never an older one).
 */
@Injectable()
export class AptPublicationRequests implements OnApplicationShutdown {
  private readonly log = new Logger(AptPublicationRequests.name);
  /** job id → the wait of this process's requests for it */
  private readonly waiting = new Map<string, Promise<StoredPublication>>();
  private events: QueueEvents | null = null;

  constructor(
    @InjectQueue(QueueName.AptPublish) private readonly queue: Queue<PublishAptSuiteData, PublishAptSuiteResult>,
    private readonly publications: AptPublicationsRepository,
    private readonly config: AppConfig,
  ) {}

  /** The suite's current publication once the worker has made it (or found it current). */
  publication(suite: ViewSuite, notBefore?: Date): Promise<StoredPublication> {
    const jobId = publishJobId(suite.key, suite.tag, notBefore);
    let pending = this.waiting.get(jobId);
    if (!pending) {
      pending = this.requestAndWait(jobId, { suiteKey: suite.key, source: suite.source, notBefore: notBefore?.getTime() }).finally(() => this.waiting.delete(jobId));
      this.waiting.set(jobId, pending);
    }
    return pending;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events?.close();
    this.events = null;
  }

  private async requestAndWait(jobId: string, data: PublishAptSuiteData): Promise<StoredPublication> {
    // A failed job is removed at once (removeOnFail), so a later request queues a new one.
    const job = await this.queue.add(JobName.PublishAptSuite, data, { jobId, attempts: 1, removeOnFail: true });
    const timeoutMs = this.config.apt.publishTimeoutMs;
    try {
      await job.waitUntilFinished(this.queueEvents(), timeoutMs);
    } catch (error) {
      if (await this.stillAhead(job)) {
        throw new AptPublicationPendingError(`the publication of ${data.suiteKey} is being built; try again in ${APT_PUBLICATION_RETRY_AFTER_SECONDS} s`);
      }
      this.log.warn(`publish-apt-suite ${data.suiteKey} (${jobId}) failed: ${(error as Error).message}`);
      throw new AptPublicationPendingError(`the publication of ${data.suiteKey} could not be built; try again in ${APT_PUBLICATION_RETRY_AFTER_SECONDS} s`);
    }
    const latest = await this.publications.findLatest(data.suiteKey);
    if (!latest) throw new Error(`publish-apt-suite ${jobId} completed, but ${data.suiteKey} has no publication`);
    return latest;
  }

  private async stillAhead(job: Job): Promise<boolean> {
    const state = await this.queue.getJobState(job.id!).catch(() => 'unknown');
    return NOT_STARTED_OR_RUNNING.has(state);
  }

  /** One QueueEvents (its own blocking Redis connection) per process, opened on first need. */
  private queueEvents(): QueueEvents {
    if (!this.events) {
      this.events = new QueueEvents(QueueName.AptPublish, {
        connection: { url: this.config.redisUrl, maxRetriesPerRequest: null },
        prefix: `${this.config.redisPrefix}:bull`,
      });
      let last = '';
      this.events.on('error', (error) => error.message !== last && this.log.warn(`queue events: ${(last = error.message)}`));
    }
    return this.events;
  }
}

/** BullMQ job ids must not hold ':' (nor be integers): a hex digest with a prefix. */
export function publishJobId(suiteKey: string, tag: string, notBefore?: Date): string {
  const digest = createHash('sha256').update(JSON.stringify([suiteKey, tag, notBefore?.getTime() ?? 0])).digest('hex').slice(0, 40);
  return `apt-publish-${digest}`;
}
