import { ApprovalLogEntryDto } from './dto/approval-log-entry.dto';
import { ApprovalLogRecord } from './approval-log-entry';

export const toLogEntryDto = (r: ApprovalLogRecord): ApprovalLogEntryDto => ({
  seq: r.seq,
  at: r.at.toISOString(),
  actorType: r.actorType,
  actorId: r.actorId,
  actorName: r.actorName,
  actorRole: r.actorRole,
  updateId: r.updateId,
  revision: r.revision,
  groupId: r.groupId,
  previousDecision: r.previousDecision,
  newDecision: r.newDecision,
  status: r.status,
  deadline: r.deadline?.toISOString() ?? null,
  optional: r.optional,
  reason: r.reason,
  source: r.source,
  ruleId: r.ruleId,
  prevHash: r.prevHash,
  hash: r.hash,
});
