import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MaintenanceRunner } from './maintenance-runner.service';
import { MaintenanceRunsRepository } from './maintenance-runs.repository';
import { MaintenanceRun, MaintenanceSettings, TaskProgress } from './maintenance-settings';
import { MaintenanceTask, MaintenanceTaskName, TaskBatch, TaskContext } from './tasks/maintenance-task';
import { UnitOfWork } from '../../infra/database/unit-of-work';

const settings: MaintenanceSettings = {
  schedule: null,
  declineSupersededAfterDays: 30,
  declineExpired: true,
  removeComputersAfterDays: 0,
  statusHistoryDays: 30,
  deleteUnneededContent: false,
  vacuum: true,
  batchSize: 2,
};

/** The run row as the repository keeps it; progress is applied only when the fake transaction commits. */
class FakeRuns {
  run: MaintenanceRun = {
    id: 'run-1', seq: '1', trigger: 'manual', status: 'queued', requestedBy: 'admin', settings, tasks: {}, attempts: 0,
    queuedAt: new Date(), startedAt: null, finishedAt: null, error: null,
  };
  readonly events: string[] = [];

  findById = async () => structuredClone(this.run);
  startAttempt = async (_id: string, initial: Record<string, TaskProgress>) => {
    this.run = { ...this.run, status: 'running', startedAt: this.run.startedAt ?? new Date('2026-11-22T03:17:00Z'), attempts: this.run.attempts + 1, tasks: { ...initial, ...this.run.tasks } };
    return structuredClone(this.run);
  };
  recordProgress = async (manager: { pending: (() => void)[] } | EntityManager, _id: string, task: string, count: number, done: boolean) => {
    const apply = () => {
      const p = this.run.tasks[task];
      this.run.tasks[task] = { ...p, count: p.count + count, done };
    };
    if ('pending' in manager) manager.pending.push(apply);
    else apply();
  };
  finish = async (_id: string, outcome: { status: 'succeeded' | 'failed' }) => {
    this.run.status = outcome.status;
    this.events.push(`finish ${outcome.status}`);
  };
}

/** A task with `rows` left to handle, failing once when asked to at a given batch. */
function task(name: MaintenanceTaskName, rows: number, events: string[], options: { transactional?: boolean; failAtBatch?: number; enabled?: boolean } = {}) {
  let left = rows;
  let batches = 0;
  const fake: MaintenanceTask & { contexts: TaskContext[] } = {
    name,
    transactional: options.transactional ?? true,
    contexts: [],
    enabled: () => options.enabled ?? true,
    async runBatch(_manager: EntityManager, context: TaskContext): Promise<TaskBatch> {
      fake.contexts.push(context);
      batches += 1;
      if (batches === options.failAtBatch) throw new Error('database went away');
      const count = Math.min(left, context.settings.batchSize);
      left -= count;
      events.push(`${name} batch ${count}`);
      return { count, done: left === 0, afterCommit: async () => void events.push(`${name} after commit`) };
    },
  };
  return fake;
}

describe(MaintenanceRunner.name, () => {
  let runs: FakeRuns;
  let commits: number;
  const dataSource = {
    manager: {} as EntityManager,
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      const manager = { pending: [] as (() => void)[] };
      const result = await work(manager as unknown as EntityManager);
      manager.pending.forEach((apply) => apply());
      commits += 1;
      return result;
    },
  } as unknown as DataSource;
  const runnerOf = (tasks: MaintenanceTask[]) => new MaintenanceRunner(runs as unknown as MaintenanceRunsRepository, dataSource, new UnitOfWork(dataSource), tasks);

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));
  beforeEach(() => {
    runs = new FakeRuns();
    commits = 0;
  });

  it('runs every enabled task in batches until done, side effects after each commit, then finishes the run', async () => {
    const declines = task(MaintenanceTaskName.DeclineExpired, 3, runs.events);
    const vacuum = task(MaintenanceTaskName.Vacuum, 1, runs.events, { transactional: false });
    const off = task(MaintenanceTaskName.RemoveStaleComputers, 5, runs.events, { enabled: false });
    expect(await runnerOf([declines, off, vacuum]).run('run-1')).toBe('finished');
    expect(runs.events).toEqual([
      'declineExpired batch 2', 'declineExpired after commit', 'declineExpired batch 1', 'declineExpired after commit',
      'vacuum batch 1', 'vacuum after commit', 'finish succeeded',
    ]);
    expect(commits).toBe(2);
    expect(runs.run.tasks).toEqual({
      declineExpired: { count: 3, done: true, enabled: true },
      removeStaleComputers: { count: 0, done: true, enabled: false },
      vacuum: { count: 1, done: true, enabled: true },
    });
  });

  it('resumes a failed attempt after its last committed batch, with the same cut-off time and correct totals', async () => {
    const events: string[] = [];
    const prune = task(MaintenanceTaskName.PruneStatusHistory, 5, events, { failAtBatch: 2 });
    const runner = runnerOf([prune]);
    await expect(runner.run('run-1')).rejects.toThrow('database went away');
    expect(runs.run.tasks.pruneStatusHistory).toEqual({ count: 2, done: false, enabled: true });

    expect(await runner.run('run-1')).toBe('finished');
    expect(runs.run).toMatchObject({ status: 'succeeded', attempts: 2, tasks: { pruneStatusHistory: { count: 5, done: true, enabled: true } } });
    expect(new Set(prune.contexts.map((c) => c.startedAt.toISOString()))).toEqual(new Set(['2026-11-22T03:17:00.000Z']));
  });

  it('stops between batches when asked to, leaving the run to its next attempt', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const prune = task(MaintenanceTaskName.PruneStatusHistory, 5, events);
    const original = prune.runBatch.bind(prune);
    prune.runBatch = async (manager, context) => {
      const batch = await original(manager, context);
      controller.abort();
      return batch;
    };
    expect(await runnerOf([prune]).run('run-1', controller.signal)).toBe('interrupted');
    expect(runs.run).toMatchObject({ status: 'running', tasks: { pruneStatusHistory: { count: 2, done: false } } });
  });

  it('does nothing for a run that is already over', async () => {
    runs.run.status = 'succeeded';
    runs.startAttempt = async () => null as unknown as MaintenanceRun;
    const prune = task(MaintenanceTaskName.PruneStatusHistory, 5, runs.events);
    expect(await runnerOf([prune]).run('run-1')).toBe('over');
    expect(prune.contexts).toEqual([]);
  });
});
