import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

/** What a unit of work's callback gets: the transaction's manager, and a place for after-commit actions. */
export interface Transaction {
  /** Every write of the unit goes through this manager, so that it commits or rolls back with the rest. */
  readonly manager: EntityManager;
  /**
   * Runs `action` once the transaction has committed, never after a rollback: offer-version bumps
   * (a check-in that raced the change then recomputes), content requests, queue jobs: anything that
   * must see the committed rows. Actions run in the order they were added, each awaited; the first
   * to fail fails the unit of work's promise (the data stays committed) and the rest do not run.
   */
  afterCommit(action: () => unknown): void;
}

/**
 * One transaction with its after-commit actions. A writer registers what must follow its commit
 * inside the transaction, next to the change that needs it, rather than remembering to do it after:
 *
 *     await unitOfWork.run(async (tx) => {
 *       await approvals.write(tx.manager, ...);
 *       tx.afterCommit(() => offerVersions.bumpGroups(groupIds));
 *     });
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: Transaction) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const actions: (() => unknown)[] = [];
    const transactional = (manager: EntityManager) => work({ manager, afterCommit: (action) => void actions.push(action) });
    const result = isolation ? await this.dataSource.transaction(isolation, transactional) : await this.dataSource.transaction(transactional);
    for (const action of actions) await action();
    return result;
  }
}
