import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { auditContext } from './audit-context';
import { AuditTrail } from './audit-trail.service';

/**
 * Puts the audit event of an admin change into the change's own transaction: just before the first
 * transaction an admin request commits, the event is inserted through the same connection. Outside
 * an admin request (the worker, the check-in) there is no pending event and nothing happens.
 */
@Injectable()
export class AuditTransactionSubscriber implements EntitySubscriberInterface {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly trail: AuditTrail,
  ) {
    dataSource.subscribers.push(this);
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const pending = auditContext.getStore();
    if (!pending || pending.writtenId || pending.inFlightId) return;
    pending.inFlightId = await this.trail.writeInTransaction(pending, event.queryRunner);
  }

  /** Only a committed transaction's event counts as written. */
  afterTransactionCommit(): void {
    const pending = auditContext.getStore();
    if (pending?.inFlightId) {
      pending.writtenId = pending.inFlightId;
      pending.inFlightId = null;
    }
  }

  /** The commit failed: the event went with it, so the request's outcome is recorded when it settles. */
  afterTransactionRollback(): void {
    const pending = auditContext.getStore();
    if (pending) pending.inFlightId = null;
  }
}
