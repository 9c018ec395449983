import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A release the apt upstream synced (apt_releases), as the repositories publish it. */
export interface AptRelease {
  releaseKey: string;
  /** os-release ID: `debian` */
  osFamily: string;
  /** os-release VERSION_ID: `12` */
  osVersion: string;
  codename: string;
  components: string[];
  architectures: string[];
}

/** A binary package of an update's current revision, with its verified upstream stanza (apt_packages). */
export interface AptBinary {
  updateId: string;
  package: string;
  version: string;
  architecture: string;
  component: string;
  /** relative to the upstream's base URL */
  filename: string;
  baseUrl: string;
  size: number;
  sha256: string;
  stanza: string;
}

/**
 * What the repositories read of the apt catalog the `apt` upstream keeps (apt_releases,
 * apt_updates, apt_packages; src/modules/catalog/sync/upstreams/apt/): read-only.
 */
@Injectable()
export class AptCatalogViewRepository {
  constructor(private readonly dataSource: DataSource) {}

  async releases(): Promise<AptRelease[]> {
    return this.dataSource.query(
      `SELECT release_key AS "releaseKey", os_family AS "osFamily", os_version AS "osVersion", codename, components, architectures
         FROM apt_releases ORDER BY release_key`,
    );
  }

  /** The binaries of a release's baseline: current revisions of active baseline updates. */
  baselineBinaries(releaseKey: string): Promise<AptBinary[]> {
    return this.binaries(`u.baseline AND u.state = 'active' AND a.release_key = $1`, [releaseKey]);
  }

  /**
   * A digest of what baselineBinaries would read, without reading it: the baseline's active
   * updates and their current revisions (a revision's apt_packages rows are written once, with
   * the revision, and never changed: src/modules/catalog/sync/upstreams/apt/apt-catalog.repository.ts).
   */
  async baselineFingerprint(releaseKey: string): Promise<string> {
    const [row]: { n: number; digest: string | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n, md5(string_agg(u.update_id::text || '@' || u.current_revision::text, ',' ORDER BY u.update_id)) AS digest
         FROM updates u JOIN apt_updates a ON a.update_id = u.update_id
        WHERE u.baseline AND u.state = 'active' AND a.release_key = $1`,
      [releaseKey],
    );
    return `${row.n}:${row.digest ?? ''}`;
  }

  /** The binaries of the current revisions of these updates that belong to the release (not baseline). */
  updateBinaries(releaseKey: string, updateIds: string[]): Promise<AptBinary[]> {
    if (updateIds.length === 0) return Promise.resolve([]);
    return this.binaries(`NOT u.baseline AND a.release_key = $1 AND u.update_id = ANY($2::uuid[])`, [releaseKey, updateIds]);
  }

  /** The release an APT update belongs to; null for an update of another kind. */
  async releaseOfUpdate(updateId: string): Promise<string | null> {
    const [row]: { release_key: string }[] = await this.dataSource.query('SELECT release_key FROM apt_updates WHERE update_id = $1', [updateId]);
    return row?.release_key ?? null;
  }

  private async binaries(where: string, params: unknown[]): Promise<AptBinary[]> {
    const rows: (Omit<AptBinary, 'size'> & { size: string })[] = await this.dataSource.query(
      `SELECT p.update_id AS "updateId", p.package, p.version, p.architecture, p.component, p.filename, p.base_url AS "baseUrl",
              p.size, p.sha256, p.stanza
         FROM updates u
         JOIN apt_updates a ON a.update_id = u.update_id
         JOIN apt_packages p ON p.update_id = u.update_id AND p.revision = u.current_revision
        WHERE ${where}
        ORDER BY p.package, p.architecture, p.version`,
      params,
    );
    return rows.map((r) => ({ ...r, size: Number(r.size) }));
  }
}
