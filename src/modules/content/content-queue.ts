import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../../infra/config/app-config';
import { JobName, QueueName } from '../../infra/queue/queue-names';

/** `updateIds`: the updates whose needed files to request; null: the whole catalog. */
export interface RequestContentJob {
  updateIds: string[] | null;
}

export interface DownloadContentJob {
  sha256: string;
}

/**
 * Enqueues content work. Callers only say which updates may need files now; the worker decides
 * what the mode needs (so callers need not know the mode) and downloads each file once: a
 * download's jobId is its sha256, so a file named by many updates, or requested again while its
 * download waits or runs, is one job. Finished jobs are removed (PostgreSQL keeps the outcome),
 * so a file requested again after a failure gets a new job.
 */
@Injectable()
export class ContentQueue {
  constructor(
    @InjectQueue(QueueName.Content) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async requestFiles(updateIds: string[] | null): Promise<void> {
    if (updateIds && !updateIds.length) return;
    await this.queue.add(JobName.RequestContent, { updateIds: updateIds ? [...new Set(updateIds)] : null } satisfies RequestContentJob);
  }

  async download(sha256s: string[]): Promise<void> {
    if (!sha256s.length) return;
    const { attempts, retryDelayMs } = this.config.content;
    await this.queue.addBulk(
      sha256s.map((sha256) => ({
        name: JobName.DownloadContent,
        data: { sha256 } satisfies DownloadContentJob,
        opts: { jobId: `download-${sha256}`, attempts, backoff: { type: 'exponential', delay: retryDelayMs }, removeOnComplete: true, removeOnFail: true },
      })),
    );
  }
}
