import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ActorType, ApprovalSource, ApprovalStatus, DecisionOrNone } from './approval-decision';
import { LogActor } from './approval-log-actor';

/** prevHash of the first entry of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** One change of one approval, as a writer hands it to ApprovalLogWriter.append. */
export interface NewLogEntry {
  actor: LogActor;
  updateId: string;
  /** the update revision the decision applies to */
  revision: number | null;
  /** null: the update was declined for all groups (global decline) */
  groupId: string | null;
  previousDecision: DecisionOrNone;
  newDecision: DecisionOrNone;
  /** status of the approval after the change; null when it no longer exists */
  status: ApprovalStatus | null;
  deadline: Date | null;
  optional: boolean;
  reason: string | null;
  source: ApprovalSource;
  ruleId: string | null;
}

/** A stored entry: the writer's entry with its actor flattened, its place in the chain and its hashes. */
export type ApprovalLogRecord = Omit<NewLogEntry, 'actor'> & {
  seq: number;
  at: Date;
  actorType: ActorType;
  actorId: string | null;
  actorName: string;
  actorRole: string | null;
  prevHash: string;
  hash: string;
};

export type HashedFields = Omit<ApprovalLogRecord, 'prevHash' | 'hash'>;

/**
 * The canonical entry (format 1): every field of the record but the two hashes, each key always
 * present (absent values are null), RFC 8785 canonical JSON. Values are written as PostgreSQL gives
 * them back, so a verifier recomputes the same bytes from the stored row: uuids in lower case, times
 * as ISO 8601 UTC with milliseconds (`2025-11-22T03:04:05.678Z`; the writer stores whole
 * milliseconds), seq and revision as numbers, text as stored (lone surrogates become U+FFFD).
 */
export function canonicalEntry(entry: HashedFields): string {
  const text = (value: string | null) => (value === null ? null : wellFormed(value));
  const uuid = (value: string | null) => (value === null ? null : value.toLowerCase());
  const time = (value: Date | null) => (value === null ? null : value.toISOString());
  const canonical = canonicalize({
    seq: entry.seq,
    at: time(entry.at),
    actorType: entry.actorType,
    actorId: text(entry.actorId),
    actorName: text(entry.actorName),
    actorRole: entry.actorRole,
    updateId: uuid(entry.updateId),
    revision: entry.revision,
    groupId: uuid(entry.groupId),
    previousDecision: entry.previousDecision,
    newDecision: entry.newDecision,
    status: entry.status,
    deadline: time(entry.deadline),
    optional: entry.optional,
    reason: text(entry.reason),
    source: entry.source,
    ruleId: uuid(entry.ruleId),
  });
  if (canonical === undefined) throw new Error('approval log entry has no JSON form');
  return canonical;
}

/** What PostgreSQL stores for a JS string: UTF-8, where a lone surrogate becomes U+FFFD. */
function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** hash = hex(sha256(prevHash ‖ canonical JSON of the entry)), prevHash as its 64 hex digits, UTF-8. */
export function entryHash(prevHash: string, entry: HashedFields): string {
  return createHash('sha256').update(prevHash + canonicalEntry(entry), 'utf8').digest('hex');
}
