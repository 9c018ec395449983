import { createPublicKey, verify } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { GENESIS_HASH } from '../../approval-log/approval-log-entry';
import { SigningKeyService } from '../../signing/signing-key.service';
import { AuditLogsRepository } from '../audit-logs.repository';
import { ApprovalLogCheckpointsRepository, StoredCheckpoint } from './approval-log-checkpoints.repository';

/** The exact bytes a checkpoint's Ed25519 signature covers: `{"log":"patchgate-approval-log","seq":…,"hash":"…","time":"…"}`. */
export function checkpointPayload(c: { seq: number; hash: string; time: string }): string {
  return JSON.stringify({ log: 'patchgate-approval-log', seq: c.seq, hash: c.hash, time: c.time });
}

/** What a checkpoint says about the chain as verified: null when consistent, else why not. */
export interface CheckpointFinding {
  truncated: boolean;
  reason: string;
  firstBrokenSeq: number | null;
}

/**
 * Signed checkpoints of the approval log's head (seq, hash, time), written at every verification
 * and daily, signed with the server's Ed25519 check-in key. A chain whose head is older than the
 * last checkpoint was cut short (entries removed with the trigger disabled), which the hash chain
 * alone cannot show. Auditors export them (GET /api/v1/audit/approvals/checkpoints) with the log.
 */
@Injectable()
export class ApprovalLogCheckpoints {
  constructor(
    private readonly checkpoints: ApprovalLogCheckpointsRepository,
    private readonly logs: AuditLogsRepository,
    private readonly signing: SigningKeyService,
  ) {}

  /** Signs and stores the current head (seq 0 and the genesis hash for an empty log). */
  async record(reason: StoredCheckpoint['reason'], now = new Date()): Promise<Omit<StoredCheckpoint, 'id'>> {
    const head = await this.logs.findApprovalChainHead();
    const body = { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH, time: now.toISOString() };
    const { keyId, signature } = this.signing.sign(Buffer.from(checkpointPayload(body)));
    const checkpoint = { ...body, reason, keyId, signature };
    await this.checkpoints.insert(checkpoint);
    return checkpoint;
  }

  list(): Promise<StoredCheckpoint[]> {
    return this.checkpoints.findAll();
  }

  /** Compares a chain verified from seq 1 to `checkedHead` with the last (validly signed) checkpoint. */
  async check(checkedHead: number): Promise<CheckpointFinding | null> {
    const last = await this.checkpoints.findLatest();
    if (!last) return null;
    const keys = await this.signing.publishedKeys();
    const key = keys.find((k) => k.id === last.keyId);
    const signed = key && verify(null, Buffer.from(checkpointPayload(last)), createPublicKey(key.publicKey), Buffer.from(last.signature, 'base64'));
    if (!signed) return { truncated: false, reason: `the last checkpoint (seq ${last.seq}, ${last.time}) has no valid signature of a server key`, firstBrokenSeq: null };
    if (checkedHead < last.seq) {
      return {
        truncated: true,
        reason: `the chain ends at seq ${checkedHead}, before the last checkpoint (seq ${last.seq}, ${last.time}): entries were removed`,
        firstBrokenSeq: checkedHead + 1,
      };
    }
    if (last.seq > 0 && (await this.checkpoints.hashAt(last.seq)) !== last.hash) {
      return { truncated: false, reason: `entry ${last.seq} differs from the last checkpoint (${last.time})`, firstBrokenSeq: last.seq };
    }
    return null;
  }
}
