import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** An index file a publication lists, as stored in apt_publications.index_files. */
export interface ListedIndexFile {
  path: string;
  sha256: string;
  size: number;
}

export interface StoredPublication {
  id: string;
  suite: string;
  contentDigest: string;
  date: Date;
  validUntil: Date;
  release: Buffer;
  releaseGpg: Buffer;
  inRelease: Buffer;
  indexFiles: ListedIndexFile[];
}

export interface NewPublication extends Omit<StoredPublication, 'id' | 'indexFiles'> {
  /** `bytes` may be left out for a file already stored (a renewal lists the same files again) */
  indexFiles: { path: string; sha256: string; size: number; bytes?: Buffer }[];
}

interface PublicationRow {
  id: string;
  suite: string;
  content_digest: string;
  date: Date;
  valid_until: Date;
  release: Buffer;
  release_gpg: Buffer;
  in_release: Buffer;
  index_files: ListedIndexFile[];
}

const COLUMNS = 'id, suite, content_digest, date, valid_until, release, release_gpg, in_release, index_files';

const toPublication = (row: PublicationRow): StoredPublication => ({
  id: String(row.id),
  suite: row.suite,
  contentDigest: row.content_digest,
  date: row.date,
  validUntil: row.valid_until,
  release: row.release,
  releaseGpg: row.release_gpg,
  inRelease: row.in_release,
  indexFiles: row.index_files,
});

@Injectable()
export class AptPublicationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The Date of a suite's next publication: `now` (whole seconds), but at least one second after
   * the last one handed out for the suite by any process, ever. One atomic upsert, so replicas
   * and restarts (or a clock that went back) never hand out an older Date.
   */
  async nextDate(suite: string, now: Date): Promise<Date> {
    const [row]: { last_date: Date }[] = await this.dataSource.query(
      `INSERT INTO apt_suite_dates (suite, last_date) VALUES ($1, date_trunc('second', $2::timestamptz))
       ON CONFLICT (suite) DO UPDATE SET last_date = GREATEST(EXCLUDED.last_date, apt_suite_dates.last_date + interval '1 second')
       RETURNING last_date`,
      [suite, now],
    );
    return row.last_date;
  }

  /**
   * Stores the index files (shared by content) and the signed Release in one transaction, then
   * drops the suite's publications beyond the newest `keep`, and index files no publication lists
   * any more: by-hash files stay while a kept publication lists them.
   */
  async insert(publication: NewPublication, keep: number): Promise<StoredPublication> {
    return this.dataSource.transaction(async (manager) => {
      const hashes = publication.indexFiles.map((f) => f.sha256);
      const stored = new Set(
        ((await manager.query('SELECT sha256 FROM apt_index_files WHERE sha256 = ANY($1::char(64)[]) FOR SHARE', [hashes])) as { sha256: string }[]).map((r) => r.sha256),
      );
      for (const file of publication.indexFiles.filter((f) => !stored.has(f.sha256))) {
        if (!file.bytes) throw new Error(`index file ${file.sha256} is not stored and was not given`);
        await manager.query('INSERT INTO apt_index_files (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [file.sha256, file.bytes]);
      }
      const listed: ListedIndexFile[] = publication.indexFiles.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size }));
      const [row]: PublicationRow[] = await manager.query(
        `INSERT INTO apt_publications (suite, content_digest, date, valid_until, release, release_gpg, in_release, index_files)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [publication.suite, publication.contentDigest, publication.date, publication.validUntil, publication.release, publication.releaseGpg, publication.inRelease, JSON.stringify(listed)],
      );
      const dropped: { index_files: ListedIndexFile[] }[] = await manager.query(
        `WITH dropped AS (
           DELETE FROM apt_publications WHERE id IN (
             SELECT id FROM apt_publications WHERE suite = $1 ORDER BY id DESC OFFSET $2)
           RETURNING index_files)
         SELECT index_files FROM dropped`,
        [publication.suite, keep],
      );
      const candidates = [...new Set(dropped.flatMap((d) => d.index_files.map((f) => f.sha256)))];
      if (candidates.length) {
        await manager.query(
          `DELETE FROM apt_index_files f WHERE f.sha256 = ANY($1::char(64)[]) AND NOT EXISTS (
             SELECT 1 FROM apt_publications p, jsonb_array_elements(p.index_files) e WHERE e->>'sha256' = f.sha256)`,
          [candidates],
        );
      }
      return toPublication(row);
    });
  }

  /** The suite's current publication (its newest). */
  async findLatest(suite: string): Promise<StoredPublication | null> {
    const [row]: PublicationRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM apt_publications WHERE suite = $1 ORDER BY id DESC LIMIT 1`, [suite]);
    return row ? toPublication(row) : null;
  }

  /** Whether one of the suite's kept publications lists an index file (what its by-hash URLs may serve). */
  async listsIndexFile(suite: string, sha256: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM apt_publications p WHERE p.suite = $1 AND p.index_files @> jsonb_build_array(jsonb_build_object('sha256', $2::text)) LIMIT 1`,
      [suite, sha256],
    );
    return rows.length > 0;
  }

  /** The current publication of every suite whose Valid-Until falls before `before`. */
  async findLatestExpiringBefore(before: Date): Promise<StoredPublication[]> {
    const rows: PublicationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM (SELECT DISTINCT ON (suite) * FROM apt_publications ORDER BY suite, id DESC) latest
       WHERE valid_until < $1 ORDER BY id`,
      [before],
    );
    return rows.map(toPublication);
  }

  /** An index file by content (what by-hash URLs and the publication's paths resolve to). */
  async findIndexFile(sha256: string): Promise<Buffer | null> {
    const [row]: { bytes: Buffer }[] = await this.dataSource.query('SELECT bytes FROM apt_index_files WHERE sha256 = $1', [sha256]);
    return row?.bytes ?? null;
  }
}
