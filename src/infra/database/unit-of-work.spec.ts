import { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/**
 * A DataSource whose transaction runs the callback and then "commits" (resolves) or "rolls back"
 * (rejects with the callback's error), logging both, like TypeORM's own.
 */
function recordingDataSource(log: string[]): DataSource {
  const manager = {} as EntityManager;
  const transaction = async (...args: unknown[]) => {
    const work = args[args.length - 1] as (m: EntityManager) => Promise<unknown>;
    if (args.length === 2) log.push(`isolation ${String(args[0])}`);
    log.push('begin');
    try {
      const result = await work(manager);
      log.push('commit');
      return result;
    } catch (error) {
      log.push('rollback');
      throw error;
    }
  };
  return { transaction } as unknown as DataSource;
}

describe('UnitOfWork', () => {
  it('runs after-commit actions after the commit, in the order they were added, and returns the result', async () => {
    const log: string[] = [];
    const unit = new UnitOfWork(recordingDataSource(log));
    const result = await unit.run(async (tx) => {
      log.push('write 1');
      tx.afterCommit(() => log.push('bump groups'));
      log.push('write 2');
      tx.afterCommit(async () => {
        await Promise.resolve();
        log.push('request files');
      });
      tx.afterCommit(() => log.push('queue job'));
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['begin', 'write 1', 'write 2', 'commit', 'bump groups', 'request files', 'queue job']);
  });

  it('never runs them after a rollback, and rejects with the transaction error', async () => {
    const log: string[] = [];
    const unit = new UnitOfWork(recordingDataSource(log));
    const failure = new Error('conflict');
    await expect(
      unit.run(async (tx) => {
        tx.afterCommit(() => log.push('bump groups'));
        log.push('write');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(log).toEqual(['begin', 'write', 'rollback']);
  });

  it('awaits each action before the next; a failing action rejects the run and the later ones do not run', async () => {
    const log: string[] = [];
    const unit = new UnitOfWork(recordingDataSource(log));
    await expect(
      unit.run(async (tx) => {
        tx.afterCommit(async () => {
          await new Promise((resolve) => setImmediate(resolve));
          log.push('slow first');
        });
        tx.afterCommit(() => {
          log.push('second fails');
          throw new Error('redis away');
        });
        tx.afterCommit(() => log.push('third'));
      }),
    ).rejects.toThrow('redis away');
    expect(log).toEqual(['begin', 'commit', 'slow first', 'second fails']);
  });

  it('runs nothing after the commit when no action was added, and passes the isolation level on', async () => {
    const log: string[] = [];
    const unit = new UnitOfWork(recordingDataSource(log));
    await unit.run(async () => undefined, 'SERIALIZABLE');
    expect(log).toEqual(['isolation SERIALIZABLE', 'begin', 'commit']);
  });
});
