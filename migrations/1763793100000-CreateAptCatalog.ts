import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `apt` upstream kind (docs/debian.md): what it keeps of the archive beside the catalog.
 * - `updates.baseline`: a release suite's versions at its first successful sync (not updates:
 *   every computer may install them; never offered by the check-in).
 * - `apt_suites`: per suite of a source, the last accepted Release (its verified text, Date and
 *   the HTTP validators for the conditional request) — a Date older than this one is a replay.
 * - `apt_releases`: per release, the facts needed to republish it.
 * - `apt_updates`: which source version of which release an update is.
 * - `apt_packages`: per update revision, its binary packages with their verified stanza.
 * - `sync_runs.upstream_log`: what a run fetched (per suite for `apt`).
 */
export class CreateAptCatalog1763793100000 implements MigrationInterface {
  name = 'CreateAptCatalog1763793100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE updates ADD COLUMN baseline boolean NOT NULL DEFAULT false');
    await db.query('CREATE INDEX updates_baseline_idx ON updates (update_id) WHERE baseline');
    await db.query('ALTER TABLE sync_runs ADD COLUMN upstream_log jsonb');
    await db.query(`
      CREATE TABLE apt_suites (
        base_url text NOT NULL,
        suite text NOT NULL,
        release_key text NOT NULL,
        origin text NOT NULL,
        label text NOT NULL,
        suite_name text NOT NULL,
        codename text NOT NULL,
        version text NOT NULL,
        components text[] NOT NULL,
        architectures text[] NOT NULL,
        release_date timestamptz NOT NULL,
        valid_until timestamptz,
        release_text text NOT NULL,
        release_sha256 char(64) NOT NULL,
        etag text,
        last_modified text,
        accepted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (base_url, suite)
      )`);
    await db.query(`
      CREATE TABLE apt_releases (
        release_key text PRIMARY KEY,
        os_family text NOT NULL,
        origin text NOT NULL,
        label text NOT NULL,
        codename text NOT NULL,
        os_version text NOT NULL,
        product text NOT NULL,
        suites text[] NOT NULL,
        components text[] NOT NULL,
        architectures text[] NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE apt_updates (
        update_id uuid PRIMARY KEY,
        release_key text NOT NULL,
        source text NOT NULL,
        version text NOT NULL,
        UNIQUE (release_key, source, version)
      )`);
    await db.query(`
      CREATE TABLE apt_packages (
        update_id uuid NOT NULL,
        revision int NOT NULL,
        package text NOT NULL,
        architecture text NOT NULL,
        version text NOT NULL,
        base_url text NOT NULL,
        suite text NOT NULL,
        component text NOT NULL,
        filename text NOT NULL,
        size bigint NOT NULL,
        sha256 char(64) NOT NULL,
        stanza text NOT NULL,
        PRIMARY KEY (update_id, revision, package, architecture)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE apt_packages');
    await db.query('DROP TABLE apt_updates');
    await db.query('DROP TABLE apt_releases');
    await db.query('DROP TABLE apt_suites');
    await db.query('ALTER TABLE sync_runs DROP COLUMN upstream_log');
    await db.query('DROP INDEX updates_baseline_idx');
    await db.query('ALTER TABLE updates DROP COLUMN baseline');
  }
}
