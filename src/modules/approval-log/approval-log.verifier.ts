import { Injectable } from '@nestjs/common';
import { entryHash, GENESIS_HASH } from './approval-log-entry';
import { ApprovalLogRepository } from './approval-log.repository';

/** Entries read per query: memory stays bounded however long the log is. */
const VERIFY_BATCH = 2000;

export interface ChainVerification {
  ok: boolean;
  checked: number;
  firstBrokenSeq: number | null;
}

/**
 * Recomputes the approval-log chain from the first entry: seq must run 1, 2, 3… without a gap,
 * each prev_hash must be the hash before it (64 zeros for the first), and each hash must be
 * sha256(prev_hash ‖ canonical entry). The first entry failing any of these is the broken one.
 * A chain cut short at its end is not detectable this way; compare `checked` with a count kept
 * elsewhere (e.g. an exported log) to see that.
 */
@Injectable()
export class ApprovalLogVerifier {
  constructor(private readonly log: ApprovalLogRepository) {}

  async verify(): Promise<ChainVerification> {
    let checked = 0;
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (;;) {
      const batch = await this.log.findChainBatch(expectedSeq - 1, VERIFY_BATCH);
      if (!batch.length) return { ok: true, checked, firstBrokenSeq: null };
      for (const entry of batch) {
        checked++;
        if (entry.seq !== expectedSeq || entry.prevHash !== prevHash || entryHash(prevHash, entry) !== entry.hash) {
          return { ok: false, checked, firstBrokenSeq: entry.seq };
        }
        prevHash = entry.hash;
        expectedSeq++;
      }
    }
  }
}
