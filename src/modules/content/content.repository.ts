import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ContentMode, ContentState } from './content-mode';

/** A file the store knows of, as the download needs it. */
export interface ContentFile {
  sha256: string;
  size: number;
  url: string;
  /** `<updateId>:<revision>` whose URL this is */
  source: string;
  status: ContentState;
}

export interface ContentFailure {
  sha256: string;
  size: number;
  url: string;
  source: string;
  error: string | null;
  failedAt: Date;
}

export interface ContentTotals {
  pending: number;
  stored: number;
  failed: number;
  bytesStored: number;
}

/**
 * The files of current revisions that a mode needs: in `all`, every active update's; otherwise
 * those of updates some group approves for install. `$1`: update ids to limit to, or null.
 * Baseline packages of APT releases are not updates (docs/debian.md): their files are fetched on
 * first request, never in bulk (a Debian release is tens of thousands of packages).
 */
const NEEDED_FILES = (mode: string) => `
  SELECT f->>'sha256' AS sha256, (f->>'size')::bigint AS size, f->>'url' AS url, u.update_id || ':' || u.current_revision AS source
    FROM updates u CROSS JOIN jsonb_array_elements(u.files) f
   WHERE u.state = 'active' AND u.declined_at IS NULL AND NOT u.baseline AND ($1::uuid[] IS NULL OR u.update_id = ANY($1::uuid[]))
     AND (${mode} = 'all' OR EXISTS (SELECT 1 FROM approvals a WHERE a.update_id = u.update_id AND a.decision = 'install' AND a.status = 'active'))`;

@Injectable()
export class ContentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The mode an admin set; null when none was ever set. */
  async findMode(): Promise<{ mode: ContentMode | null; updatedAt: Date; updatedBy: string | null }> {
    const [row] = await this.dataSource.query(`SELECT mode, updated_at AS "updatedAt", updated_by AS "updatedBy" FROM content_settings WHERE id = 1`);
    return row;
  }

  async saveMode(mode: ContentMode, by: string): Promise<void> {
    await this.dataSource.query(`UPDATE content_settings SET mode = $1, updated_at = now(), updated_by = $2 WHERE id = 1`, [mode, by]);
  }

  /**
   * Records the files `mode` needs (of `updateIds`, or of the whole catalog) as pending: new ones,
   * and failed ones named by a revision they did not fail verification from (the upstream changed
   * them, or the failure was in transit). Answers every needed file that is pending, for the caller to enqueue (enqueueing is
   * deduplicated by sha256).
   */
  async requestNeededFiles(mode: ContentMode, updateIds: string[] | null): Promise<string[]> {
    const rows: { sha256: string }[] = await this.dataSource.query(
      `WITH needed AS (${NEEDED_FILES('$2')}),
       chosen AS (
         SELECT DISTINCT ON (n.sha256) n.* FROM needed n LEFT JOIN content_files c ON c.sha256 = n.sha256
          WHERE c.sha256 IS NULL OR (c.status = 'failed' AND NOT n.source = ANY(c.failed_sources))
          ORDER BY n.sha256, n.source DESC),
       requested AS (
         INSERT INTO content_files (sha256, size, url, source, status)
         SELECT sha256, size, url, source, 'pending' FROM chosen
         ON CONFLICT (sha256) DO UPDATE SET size = EXCLUDED.size, url = EXCLUDED.url, source = EXCLUDED.source,
                status = 'pending', error = NULL, requested_at = now()
          WHERE content_files.status = 'failed'
         RETURNING sha256)
       SELECT sha256 FROM requested
       UNION SELECT c.sha256 FROM content_files c JOIN needed n ON n.sha256 = c.sha256 WHERE c.status = 'pending'`,
      [updateIds, mode],
    );
    return rows.map((r) => r.sha256);
  }

  /** Whether the file is stored (a file of the catalog, verified). */
  async isStored(sha256: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM content_files WHERE sha256 = $1 AND status = 'stored'`, [sha256]);
    return rows.length > 0;
  }

  /** The upstream a patchgate-kind sync reads, with the token it presents there (the sync's table, created by its migration). */
  async findPatchgateUpstream(): Promise<{ url: string; token: string } | null> {
    const [row]: { url: string; token: string | null }[] = await this.dataSource.query(
      `SELECT upstream_url AS url, upstream_token AS token FROM sync_config WHERE id = 1 AND upstream_kind = 'patchgate'`,
    );
    return row?.token ? { url: row.url, token: row.token } : null;
  }

  async findFile(sha256: string): Promise<ContentFile | null> {
    const rows: ContentFile[] = await this.dataSource.query(
      `SELECT sha256, size::float8 AS size, url, source, status FROM content_files WHERE sha256 = $1`,
      [sha256],
    );
    return rows[0] ?? null;
  }

  /** Marks a pending file stored; false when it is no longer pending (deleted meanwhile). */
  async markStored(sha256: string): Promise<boolean> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE content_files SET status = 'stored', error = NULL, failed_sources = '{}', stored_at = now() WHERE sha256 = $1 AND status = 'pending'`,
      [sha256],
    );
    return count > 0;
  }

  /**
   * Marks a pending file failed. A `final` failure (wrong bytes) rules its source out: only a
   * revision it has not failed from brings it back. Any other failure (the transfer, after every
   * attempt) comes back at the next request that names the file.
   */
  async markFailed(sha256: string, error: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE content_files SET status = 'failed', error = $2, failed_at = now(),
              failed_sources = CASE WHEN $3 THEN array_append(failed_sources, source::text) ELSE failed_sources END
        WHERE sha256 = $1 AND status = 'pending'`,
      [sha256, error.slice(0, 2000), final],
    );
  }

  async totals(): Promise<ContentTotals> {
    const [row] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'stored')::int AS stored,
              count(*) FILTER (WHERE status = 'failed')::int AS failed, coalesce(sum(size) FILTER (WHERE status = 'stored'), 0)::float8 AS "bytesStored"
         FROM content_files`,
    );
    return row;
  }

  /** The latest failures, newest first. */
  findFailures(limit: number): Promise<ContentFailure[]> {
    return this.dataSource.query(
      `SELECT sha256, size::float8 AS size, url, source, error, failed_at AS "failedAt"
         FROM content_files WHERE status = 'failed' ORDER BY failed_at DESC, sha256 LIMIT $1`,
      [limit],
    );
  }

  /** Per update: `stored` when every file of its current revision is stored, else `failed` if one failed, else `pending`. */
  async findContentStates(updateIds: string[]): Promise<Map<string, ContentState>> {
    if (!updateIds.length) return new Map();
    const rows: { updateId: string; state: ContentState }[] = await this.dataSource.query(
      `SELECT u.update_id AS "updateId",
              CASE WHEN count(*) FILTER (WHERE c.status = 'failed') > 0 THEN 'failed'
                   WHEN count(f.value) = count(*) FILTER (WHERE c.status = 'stored') THEN 'stored'
                   ELSE 'pending' END AS state
         FROM updates u LEFT JOIN LATERAL jsonb_array_elements(u.files) f ON true
         LEFT JOIN content_files c ON c.sha256 = f.value->>'sha256'
        WHERE u.update_id = ANY($1::uuid[])
        GROUP BY u.update_id`,
      [updateIds],
    );
    return new Map(rows.map((r) => [r.updateId, r.state]));
  }

  /**
   * Which of these sha256s are known: they have a row (any status), or they are a `.deb` of an
   * active APT update's current revision (baseline packages included), which the APT repositories
   * fetch from the upstream on a computer's first request and keep without a row (docs/debian.md).
   */
  async findKnown(sha256s: string[]): Promise<Set<string>> {
    const rows: { sha256: string }[] = await this.dataSource.query(
      `SELECT sha256 FROM content_files WHERE sha256 = ANY($1::text[])
       UNION
       SELECT p.sha256 FROM apt_packages p
         JOIN updates u ON u.update_id = p.update_id AND u.current_revision = p.revision AND u.state = 'active'
        WHERE p.sha256 = ANY($1::text[])`,
      [sha256s],
    );
    return new Set(rows.map((r) => r.sha256));
  }

  /**
   * Up to `limit` stored or failed files that nothing needs any more (by the rule of NEEDED_FILES,
   * where `none` keeps what install approvals name), removed from the table in the same statement.
   */
  async takeUnneededFiles(mode: ContentMode, limit: number): Promise<{ sha256: string; size: number; status: ContentState }[]> {
    const [rows]: [{ sha256: string; size: number; status: ContentState }[], number] = await this.dataSource.query(
      `WITH needed AS (${NEEDED_FILES('$2')}),
       doomed AS (
         SELECT c.sha256 FROM content_files c
          WHERE c.status IN ('stored', 'failed') AND NOT EXISTS (SELECT 1 FROM needed n WHERE n.sha256 = c.sha256)
          ORDER BY c.sha256 LIMIT $3 FOR UPDATE SKIP LOCKED)
       DELETE FROM content_files c USING doomed d WHERE c.sha256 = d.sha256
       RETURNING c.sha256, c.size::float8 AS size, c.status`,
      [null, mode, limit],
    );
    return rows;
  }
}
