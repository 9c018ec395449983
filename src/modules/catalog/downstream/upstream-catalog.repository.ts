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
    const rows: { change_seq: string; document: string }[] = await this.dataSource.query(
      `SELECT change_seq::text AS change_seq, document::text AS document
         FROM update_revisions WHERE change_seq > $1::bigint ORDER BY change_seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map((r) => ({ changeSeq: r.change_seq, document: r.document }));
  }
}
