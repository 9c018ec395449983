import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * APT publications (docs/debian.md): signed Release files per suite key (a release's baseline, a
 * group path's approved suite) and the index files they list, content-addressed so publications
 * with equal content share bytes, and the last Date handed out per suite key, so Date only grows
 * across restarts and replicas.
 */
export class CreateAptPublications1763796161000 implements MigrationInterface {
  name = 'CreateAptPublications1763796161000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE apt_suite_dates (
        suite varchar(200) PRIMARY KEY,
        last_date timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE apt_index_files (
        sha256 char(64) PRIMARY KEY,
        bytes bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE apt_publications (
        id bigserial PRIMARY KEY,
        suite varchar(200) NOT NULL,
        content_digest char(64) NOT NULL,
        date timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        release bytea NOT NULL,
        release_gpg bytea NOT NULL,
        in_release bytea NOT NULL,
        index_files jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX apt_publications_by_suite ON apt_publications (suite, id DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE apt_publications');
    await db.query('DROP TABLE apt_index_files');
    await db.query('DROP TABLE apt_suite_dates');
  }
}
