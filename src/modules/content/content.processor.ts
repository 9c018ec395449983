import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../../infra/config/app-config';
import { HandlesJobs } from '../../infra/queue/handles-jobs.decorator';
import { JobName, QueueName } from '../../infra/queue/queue-names';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { ContentFailuresCounter } from './content-failures.counter';
import { OutboundPolicy } from '../../infra/http/outbound-policy';
import { openContentSource, policyRefusal } from './content-source';
import { ContentQueue, DownloadContentJob, RequestContentJob } from './content-queue';
import { ContentRepository } from './content.repository';
import { ContentService } from './content.service';
import { CONTENT_STORAGE, ContentStorage, ContentVerificationError } from './storage/content-storage';

/**
 * The content queue's consumer: turns requests into downloads, and downloads files into the store.
 * A download that fails in transit is retried with backoff and resumes where it stopped (after the
 * last attempt it is failed until something requests the file again); one whose bytes do not match
 * their sha256 and size is failed at once, and not retried until a new revision names the file
 * (ContentRepository.requestNeededFiles). On shutdown, downloads in progress stop and keep their
 * partial copies; their jobs are retried, or re-derived from PostgreSQL at the next start.
 */
@Processor(QueueName.Content)
@HandlesJobs(QueueName.Content, JobName.RequestContent, JobName.DownloadContent)
export class ContentProcessor extends WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ContentProcessor.name);
  private readonly shutdown = new AbortController();
  private readonly policy: OutboundPolicy;

  constructor(
    private readonly content: ContentService,
    private readonly files: ContentRepository,
    private readonly queue: ContentQueue,
    private readonly offerVersions: OfferVersionsService,
    private readonly config: AppConfig,
    private readonly failures: ContentFailuresCounter,
    @Inject(CONTENT_STORAGE) private readonly storage: ContentStorage,
  ) {
    super();
    this.policy = new OutboundPolicy(config.outbound);
  }

  /** Applies the configured concurrency, and re-derives pending downloads (a Redis that lost its jobs). */
  async onApplicationBootstrap(): Promise<void> {
    this.worker.concurrency = this.config.content.concurrency;
    await this.queue.requestFiles(null);
  }

  /** Before the BullMQ worker closes (it waits for the jobs in hand): make those jobs end now. */
  onModuleDestroy(): void {
    this.shutdown.abort();
  }

  async process(job: Job): Promise<void> {
    switch (job.name) {
      case JobName.RequestContent: {
        const count = await this.content.requestNeededFiles((job.data as RequestContentJob).updateIds);
        if (count) this.logger.log(`content: ${count} file(s) pending download`);
        return;
      }
      case JobName.DownloadContent:
        return this.download(job as Job<DownloadContentJob>);
      default:
        throw new Error(`no handler for job ${job.name} on ${QueueName.Content}`);
    }
  }

  private async download(job: Job<DownloadContentJob>): Promise<void> {
    const file = await this.files.findFile(job.data.sha256);
    if (!file || file.status !== 'pending') return;
    const { maxFileBytes, downloadTimeoutMs } = this.config.content;
    if (file.size > maxFileBytes) {
      // Not even started: a declared size is the upstream's word, and disks are finite.
      this.logger.warn(`content: ${file.sha256} from ${file.url} declares ${file.size} bytes, above the limit of ${maxFileBytes}`);
      await this.failures.add();
      await this.files.markFailed(file.sha256, `declared size ${file.size} bytes is above PATCHGATE_CONTENT_MAX_FILE_BYTES (${maxFileBytes})`, true);
      return;
    }
    // One attempt gets this long from its first request to its last byte; a trickling upstream
    // cannot hold a download slot forever (the next attempt resumes where this one stopped).
    const deadline = AbortSignal.timeout(downloadTimeoutMs);
    const signal = AbortSignal.any([this.shutdown.signal, deadline]);
    try {
      if (!(await this.storage.has(file.sha256))) {
        const upstream = await this.files.findPatchgateUpstream();
        await this.storage.write(file.sha256, file.size, (offset) => openContentSource(file.url, offset, signal, this.policy, upstream));
      }
    } catch (caught) {
      if (this.shutdown.signal.aborted) throw caught;
      const error = deadline.aborted ? new Error(`not complete within ${downloadTimeoutMs} ms (PATCHGATE_CONTENT_DOWNLOAD_TIMEOUT_MS)`) : caught;
      const reason = (error as Error).message;
      const wrongBytes = error instanceof ContentVerificationError;
      await this.failures.add();
      const refusal = policyRefusal(error);
      if (refusal) {
        // The URL or an address it resolves to is not allowed (src/infra/http/outbound-policy.ts): final.
        this.logger.warn(`content: ${file.sha256} from ${file.url} refused: ${refusal}`);
        await this.files.markFailed(file.sha256, `refused: ${refusal}`, true);
        return;
      }
      if (wrongBytes || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        this.logger.warn(`content: ${file.sha256} from ${file.url} failed: ${reason}`);
        await this.files.markFailed(file.sha256, wrongBytes ? `verification failed: ${reason}` : reason, wrongBytes);
        return;
      }
      this.logger.log(`content: ${file.sha256}, attempt ${job.attemptsMade + 1} failed (${reason}); will resume`);
      throw error;
    }
    if (!(await this.files.markStored(file.sha256))) {
      // Forgotten while downloading (clean-up): nothing names it, so it must not linger unaccounted.
      await this.storage.delete(file.sha256);
      return;
    }
    // After the commit: offers waiting for this file now include its updates.
    await this.offerVersions.bumpCatalog();
  }
}
