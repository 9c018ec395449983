import { findJobHandlerProblems } from './job-handler.check';
import { JobName, QueueName } from './queue-names';

describe('findJobHandlerProblems', () => {
  const everyJobOnce = Object.values(JobName).map((job) => ({ queue: QueueName.Sync, jobs: [job] }));

  it('accepts one handler per job', () => {
    expect(findJobHandlerProblems(everyJobOnce)).toEqual([]);
  });

  it('names a job without a handler and a job with two', () => {
    const [first, ...rest] = everyJobOnce;
    const problems = findJobHandlerProblems([...rest, { queue: QueueName.Rules, jobs: [rest[0].jobs[0]] }]);
    expect(problems).toEqual([`job "${first.jobs[0]}" has no handler`, `job "${rest[0].jobs[0]}" has 2 handlers`]);
  });
});
