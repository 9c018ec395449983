import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A stored revision in change order, its document as JSON text (passed through, never re-parsed). */
export interface ChangedRevisionRow {
  changeSeq: string;
  document: string;
}

@Injectable()
export class UpstreamCatalogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Revisions whose change_seq is above `afterSeq`, in that order. Only the sync writes
   * update_revisions, one run at a time and each page in one transaction, so change_seq values
   * become visible in order and a reader never skips one that commits later.
   */
  async findRevisionsChangedAfter(afterSeq: string, limit: number): Promise<ChangedRevisionRow[]> {
    const rows: { seq: string; document: string }[] = await this.dataSource.query(
      `SELECT r.change_seq::text AS seq, r.document::text AS document
         FROM update_revisions r WHERE r.change_seq > $1::bigint ORDER BY r.change_seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map((r) => ({ changeSeq: r.seq, document: r.document }));
  }

  /** Which of these files this server stores (the content store's table: created by its migration). */
  async findStoredFiles(sha256s: string[]): Promise<Set<string>> {
    if (!sha256s.length) return new Set();
    const rows: { sha256: string }[] = await this.dataSource.query(
      `SELECT sha256 FROM content_files WHERE sha256 = ANY($1::text[]) AND status = 'stored'`,
      [[...new Set(sha256s.map((s) => s.toLowerCase()))]],
    );
    return new Set(rows.map((r) => r.sha256));
  }

  /** The highest change_seq handed out so far (0 when none). */
  async lastChangeSeq(): Promise<string> {
    const [{ seq }]: { seq: string }[] = await this.dataSource.query(
      `SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS seq FROM catalog_change_seq`,
    );
    return seq;
  }
}
