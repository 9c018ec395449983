import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';

/**
 * Gives a unit of work (a sync or maintenance run) a job again when it has none that will run:
 * Redis lost it, or it ended (failed, stalled too often) while the work was not over. The ended
 * job is removed first, since its fixed id would refuse the new one. True when re-enqueued.
 */
export async function requeueEndedJob(queue: Queue, jobId: string, enqueue: () => Promise<void>, logger: Logger): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (job) {
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
    await job.remove().catch((error: unknown) => logger.warn(`could not remove the ended job ${jobId}: ${(error as Error).message}`));
  }
  await enqueue();
  return true;
}
