import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UpdateRevisionData } from '../../../update-revision';

/** The last accepted Release of one suite of one source. */
export interface StoredSuite {
  baseUrl: string;
  suite: string;
  releaseDate: Date;
  releaseText: string;
  releaseSha256: string;
  etag: string | null;
  lastModified: string | null;
}

export interface AcceptedSuite extends StoredSuite {
  releaseKey: string;
  origin: string;
  label: string;
  suiteName: string;
  codename: string;
  version: string;
  components: string[];
  architectures: string[];
  validUntil: Date | null;
}

export interface AptReleaseRow {
  releaseKey: string;
  osFamily: string;
  origin: string;
  label: string;
  codename: string;
  osVersion: string;
  product: string;
  suites: string[];
  components: string[];
  architectures: string[];
}

/** A binary package of an APT update (or of the baseline), as the APT repositories republish it. */
export interface AptPackage {
  package: string;
  version: string;
  architecture: string;
  component: string;
  filename: string;
  size: number;
  sha256: string;
  /** The control stanza as the upstream archive signed it (the repositories strip Phased-Update-Percentage). */
  stanza: string;
  /** Where it came from: the upstream's base URL and suite. */
  baseUrl: string;
  suite: string;
}

export interface AptPackageRow extends AptPackage {
  updateId: string;
  revision: number;
}

/** What the catalog holds for an update the apt kind computes. */
export interface StoredAptUpdate {
  currentRevision: number;
  expired: boolean;
  contentHash: string;
  releasedAt: string;
}

/**
 * The apt kind's tables (migrations/1763793100000-CreateAptCatalog.ts): suite state for
 * verification and conditional requests, releases, and each APT update's binary packages with
 * their verified stanzas. Exported for the APT repositories: `baselinePackages`,
 * `packagesOfUpdates`, `releases`.
 */
@Injectable()
export class AptCatalogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async storedSuites(): Promise<Map<string, StoredSuite>> {
    const rows: { base_url: string; suite: string; release_date: Date; release_text: string; release_sha256: string; etag: string | null; last_modified: string | null }[] =
      await this.dataSource.query('SELECT base_url, suite, release_date, release_text, release_sha256, etag, last_modified FROM apt_suites');
    return new Map(
      rows.map((r) => [
        suiteKey(r.base_url, r.suite),
        { baseUrl: r.base_url, suite: r.suite, releaseDate: r.release_date, releaseText: r.release_text, releaseSha256: r.release_sha256, etag: r.etag, lastModified: r.last_modified },
      ]),
    );
  }

  /** Every (source, version) of a release the catalog has met, with its update id. */
  async knownVersions(releaseKey: string): Promise<{ updateId: string; source: string; version: string }[]> {
    const rows: { update_id: string; source: string; version: string }[] = await this.dataSource.query(
      'SELECT update_id, source, version FROM apt_updates WHERE release_key = $1',
      [releaseKey],
    );
    return rows.map((r) => ({ updateId: r.update_id, source: r.source, version: r.version }));
  }

  /** The catalog's current state of these updates (absent: not in the catalog). */
  async storedUpdates(updateIds: string[]): Promise<Map<string, StoredAptUpdate>> {
    const result = new Map<string, StoredAptUpdate>();
    for (let i = 0; i < updateIds.length; i += 10_000) {
      const rows: { update_id: string; current_revision: number; state: string; content_hash: string; document: Pick<UpdateRevisionData, 'releasedAt'> }[] =
        await this.dataSource.query(
          `SELECT u.update_id, u.current_revision, u.state, r.content_hash, jsonb_build_object('releasedAt', r.document->>'releasedAt') AS document
             FROM updates u JOIN update_revisions r ON r.update_id = u.update_id AND r.revision = u.current_revision
            WHERE u.update_id = ANY($1::uuid[])`,
          [updateIds.slice(i, i + 10_000)],
        );
      for (const r of rows) {
        result.set(r.update_id, { currentRevision: r.current_revision, expired: r.state === 'expired', contentHash: r.content_hash, releasedAt: r.document.releasedAt });
      }
    }
    return result;
  }

  async insertUpdates(manager: EntityManager, rows: { updateId: string; releaseKey: string; source: string; version: string }[]): Promise<void> {
    if (!rows.length) return;
    await manager.query(
      `INSERT INTO apt_updates (update_id, release_key, source, version)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.updateId), rows.map((r) => r.releaseKey), rows.map((r) => r.source), rows.map((r) => r.version)],
    );
  }

  async insertPackages(manager: EntityManager, rows: AptPackageRow[]): Promise<void> {
    if (!rows.length) return;
    await manager.query(
      `INSERT INTO apt_packages (update_id, revision, package, architecture, version, base_url, suite, component, filename, size, sha256, stanza)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[])
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.updateId), rows.map((r) => r.revision), rows.map((r) => r.package), rows.map((r) => r.architecture),
        rows.map((r) => r.version), rows.map((r) => r.baseUrl), rows.map((r) => r.suite), rows.map((r) => r.component),
        rows.map((r) => r.filename), rows.map((r) => r.size), rows.map((r) => r.sha256), rows.map((r) => r.stanza),
      ],
    );
  }

  /** Marks updates as baseline (not updates: never offered by the check-in). */
  async markBaseline(manager: EntityManager, updateIds: string[]): Promise<void> {
    if (!updateIds.length) return;
    await manager.query('UPDATE updates SET baseline = true WHERE update_id = ANY($1::uuid[]) AND NOT baseline', [updateIds]);
  }

  async saveSuites(manager: EntityManager, suites: AcceptedSuite[]): Promise<void> {
    for (const s of suites) {
      await manager.query(
        `INSERT INTO apt_suites (base_url, suite, release_key, origin, label, suite_name, codename, version, components, architectures,
                                 release_date, valid_until, release_text, release_sha256, etag, last_modified, accepted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now())
         ON CONFLICT (base_url, suite) DO UPDATE SET
           release_key = EXCLUDED.release_key, origin = EXCLUDED.origin, label = EXCLUDED.label, suite_name = EXCLUDED.suite_name,
           codename = EXCLUDED.codename, version = EXCLUDED.version, components = EXCLUDED.components, architectures = EXCLUDED.architectures,
           release_date = EXCLUDED.release_date, valid_until = EXCLUDED.valid_until, release_text = EXCLUDED.release_text,
           release_sha256 = EXCLUDED.release_sha256, etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified, accepted_at = now()`,
        [
          s.baseUrl, s.suite, s.releaseKey, s.origin, s.label, s.suiteName, s.codename, s.version, s.components, s.architectures,
          s.releaseDate, s.validUntil, s.releaseText, s.releaseSha256, s.etag, s.lastModified,
        ],
      );
    }
  }

  async saveReleases(manager: EntityManager, releases: AptReleaseRow[]): Promise<void> {
    for (const r of releases) {
      await manager.query(
        `INSERT INTO apt_releases (release_key, os_family, origin, label, codename, os_version, product, suites, components, architectures, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
         ON CONFLICT (release_key) DO UPDATE SET
           os_family = EXCLUDED.os_family, origin = EXCLUDED.origin, label = EXCLUDED.label, codename = EXCLUDED.codename,
           os_version = EXCLUDED.os_version, product = EXCLUDED.product, suites = EXCLUDED.suites, components = EXCLUDED.components,
           architectures = EXCLUDED.architectures, updated_at = now()`,
        [r.releaseKey, r.osFamily, r.origin, r.label, r.codename, r.osVersion, r.product, r.suites, r.components, r.architectures],
      );
    }
  }

  // ---- For the APT repositories ----

  /** Every release the apt upstream has synced. */
  async releases(): Promise<AptReleaseRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query('SELECT * FROM apt_releases ORDER BY release_key');
    return rows.map((r) => ({
      releaseKey: r.release_key as string, osFamily: r.os_family as string, origin: r.origin as string, label: r.label as string,
      codename: r.codename as string, osVersion: r.os_version as string, product: r.product as string, suites: r.suites as string[],
      components: r.components as string[], architectures: r.architectures as string[],
    }));
  }

  /** The binary packages of a release's baseline (current revisions of active baseline updates). */
  async baselinePackages(releaseKey: string): Promise<AptPackageRow[]> {
    return this.packageRows(
      `JOIN apt_updates a ON a.update_id = u.update_id WHERE u.baseline AND u.state = 'active' AND a.release_key = $1`,
      [releaseKey],
    );
  }

  /** The binary packages of these updates' current revisions. */
  async packagesOfUpdates(updateIds: string[]): Promise<AptPackageRow[]> {
    if (!updateIds.length) return [];
    return this.packageRows('WHERE u.update_id = ANY($1::uuid[])', [updateIds]);
  }

  private async packageRows(where: string, params: unknown[]): Promise<AptPackageRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT p.* FROM updates u JOIN apt_packages p ON p.update_id = u.update_id AND p.revision = u.current_revision ${where}
        ORDER BY p.package, p.architecture, p.version`,
      params,
    );
    return rows.map((r) => ({
      updateId: r.update_id as string, revision: r.revision as number, package: r.package as string, version: r.version as string,
      architecture: r.architecture as string, component: r.component as string, filename: r.filename as string, size: Number(r.size),
      sha256: r.sha256 as string, stanza: r.stanza as string, baseUrl: r.base_url as string, suite: r.suite as string,
    }));
  }
}

export const suiteKey = (baseUrl: string, suite: string) => `${baseUrl} ${suite}`;
