import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { HANDLES_JOBS, HandledJobs } from './handles-jobs.decorator';
import { JobName } from './queue-names';

/** Lists job names with no handler or with more than one, given the processors' declarations. */
export function findJobHandlerProblems(declared: HandledJobs[]): string[] {
  const count = new Map<JobName, number>();
  for (const { jobs } of declared) for (const job of jobs) count.set(job, (count.get(job) ?? 0) + 1);
  return Object.values(JobName).flatMap((job) => {
    const handlers = count.get(job) ?? 0;
    if (handlers === 0) return [`job "${job}" has no handler`];
    if (handlers > 1) return [`job "${job}" has ${handlers} handlers`];
    return [];
  });
}

/** Refuses to start a worker in which a job name has no handler, or several. */
@Injectable()
export class JobHandlerCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const declared = this.discovery
      .getProviders()
      .map((wrapper) => (wrapper.metatype ? this.reflector.get<HandledJobs | undefined>(HANDLES_JOBS, wrapper.metatype) : undefined))
      .filter((handled): handled is HandledJobs => handled !== undefined);
    const problems = findJobHandlerProblems(declared);
    if (problems.length) throw new Error(`worker job handlers are incomplete: ${problems.join('; ')}`);
  }
}
