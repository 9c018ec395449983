import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApprovalLogRecord, entryHash, GENESIS_HASH, HashedFields, NewLogEntry } from './approval-log-entry';

/** Advisory-lock key that serializes every writer of the approval-log chain. */
const APPROVAL_LOG_LOCK_KEY = 7_453_041;

/** Rows per INSERT: 19 parameters each stays far below PostgreSQL's 65535. */
const INSERT_CHUNK = 1000;

const COLUMNS = [
  'seq', 'at', 'actor_type', 'actor_id', 'actor_name', 'actor_role', 'update_id', 'revision', 'group_id',
  'previous_decision', 'new_decision', 'status', 'deadline', 'optional', 'reason', 'source', 'rule_id', 'prev_hash', 'hash',
];

/**
 * The one writer of the approval log, used by every source (manual changes, rules, the sync,
 * maintenance, the global decline). Entries are appended in the caller's transaction, so they
 * commit or vanish with the change they record.
 *
 * Lock order, to stay free of deadlocks with the sync (which holds the `updates` rows it wrote
 * when it calls its listeners): a transaction first locks the `updates` rows it depends on, then
 * calls `lock()`, and after that waits on no `updates` row it does not already hold.
 */
@Injectable()
export class ApprovalLogWriter {
  /**
   * Takes the chain lock until the end of the transaction. Call it before reading the approvals
   * you are about to change, so the previous decisions you log are the ones you replace.
   */
  async lock(manager: EntityManager): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('the approval log is written only inside a transaction');
    }
    await manager.query('SELECT pg_advisory_xact_lock($1)', [APPROVAL_LOG_LOCK_KEY]);
  }

  /** Appends the entries in order; seq is gapless and every hash chains to the one before. */
  async append(manager: EntityManager, entries: NewLogEntry[]): Promise<ApprovalLogRecord[]> {
    if (!entries.length) return [];
    await this.lock(manager);
    const [head]: { now: Date; seq: string | null; hash: string | null }[] = await manager.query(
      `SELECT date_trunc('milliseconds', clock_timestamp()) AS now, last.seq, last.hash
         FROM (SELECT 1) one LEFT JOIN (SELECT seq, hash FROM approval_log ORDER BY seq DESC LIMIT 1) last ON true`,
    );
    let seq = head.seq === null ? 0 : Number(head.seq);
    let prevHash = head.hash ?? GENESIS_HASH;
    const records = entries.map((entry): ApprovalLogRecord => {
      seq += 1;
      const fields: HashedFields = {
        seq,
        at: head.now,
        actorType: entry.actor.type,
        actorId: entry.actor.id,
        actorName: entry.actor.name,
        actorRole: entry.actor.role,
        updateId: entry.updateId.toLowerCase(),
        revision: entry.revision,
        groupId: entry.groupId?.toLowerCase() ?? null,
        previousDecision: entry.previousDecision,
        newDecision: entry.newDecision,
        status: entry.status,
        deadline: entry.deadline,
        optional: entry.optional,
        reason: entry.reason,
        source: entry.source,
        ruleId: entry.ruleId,
      };
      const record = { ...fields, prevHash, hash: entryHash(prevHash, fields) };
      prevHash = record.hash;
      return record;
    });
    for (let start = 0; start < records.length; start += INSERT_CHUNK) {
      await this.insert(manager, records.slice(start, start + INSERT_CHUNK));
    }
    return records;
  }

  private async insert(manager: EntityManager, records: ApprovalLogRecord[]): Promise<void> {
    const params: unknown[] = [];
    const rows = records.map((r) => {
      const values = [
        r.seq, r.at, r.actorType, r.actorId, r.actorName, r.actorRole, r.updateId, r.revision, r.groupId,
        r.previousDecision, r.newDecision, r.status, r.deadline, r.optional, r.reason, r.source, r.ruleId, r.prevHash, r.hash,
      ];
      const placeholders = values.map((value) => `$${params.push(value)}`);
      return `(${placeholders.join(', ')})`;
    });
    await manager.query(`INSERT INTO approval_log (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, params);
  }
}
