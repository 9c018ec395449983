import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoredCheckpoint {
  id: number;
  seq: number;
  hash: string;
  time: string;
  reason: 'verify' | 'daily';
  keyId: string;
  signature: string;
}

interface Row {
  id: string;
  seq: string;
  hash: string;
  checkpointed_at: Date;
  reason: 'verify' | 'daily';
  key_id: string;
  signature: string;
}

const toCheckpoint = (r: Row): StoredCheckpoint => ({
  id: Number(r.id),
  seq: Number(r.seq),
  hash: r.hash,
  time: r.checkpointed_at.toISOString(),
  reason: r.reason,
  keyId: r.key_id,
  signature: r.signature,
});

/** The signed checkpoints of the approval log's head, and the log's hash at a sequence number. */
@Injectable()
export class ApprovalLogCheckpointsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(checkpoint: Omit<StoredCheckpoint, 'id'>): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO approval_log_checkpoints (seq, hash, checkpointed_at, reason, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6)',
      [checkpoint.seq, checkpoint.hash, checkpoint.time, checkpoint.reason, checkpoint.keyId, checkpoint.signature],
    );
  }

  async findLatest(): Promise<StoredCheckpoint | null> {
    const rows: Row[] = await this.dataSource.query('SELECT * FROM approval_log_checkpoints ORDER BY seq DESC, id DESC LIMIT 1');
    return rows.length ? toCheckpoint(rows[0]) : null;
  }

  async findAll(): Promise<StoredCheckpoint[]> {
    const rows: Row[] = await this.dataSource.query('SELECT * FROM approval_log_checkpoints ORDER BY id');
    return rows.map(toCheckpoint);
  }

  async hashAt(seq: number): Promise<string | null> {
    const rows: { hash: string }[] = await this.dataSource.query('SELECT hash FROM approval_log WHERE seq = $1', [seq]);
    return rows[0]?.hash ?? null;
  }
}
