import { SetMetadata } from '@nestjs/common';
import { JobName, QueueName } from './queue-names';

export const HANDLES_JOBS = 'patchgate:handles-jobs';

export interface HandledJobs {
  queue: QueueName;
  jobs: JobName[];
}

/** Declares which jobs a BullMQ processor handles; the worker refuses to start unless each job has one handler. */
export const HandlesJobs = (queue: QueueName, ...jobs: JobName[]) => SetMetadata(HANDLES_JOBS, { queue, jobs } satisfies HandledJobs);
