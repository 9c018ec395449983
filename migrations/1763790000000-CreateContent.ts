import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateContent1763790000000 implements MigrationInterface {
  name = 'CreateContent1763790000000';

  async up(db: QueryRunner): Promise<void> {
    // One row (id = 1). A null mode means "never set": the environment's initial mode applies.
    await db.query(`
      CREATE TABLE content_settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        mode varchar(12) CHECK (mode IN ('none', 'on_approval', 'all')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(100)
      )`);
    await db.query('INSERT INTO content_settings (id) VALUES (1)');
    // One row per distinct file (by sha256), however many updates name it. `source` is the
    // update revision (`<updateId>:<revision>`) whose URL is used; `failed_sources` the revisions
    // a download already failed from, so a failure is retried only once a new revision names it.
    await db.query(`
      CREATE TABLE content_files (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size >= 0),
        url text NOT NULL,
        source varchar(80) NOT NULL,
        status varchar(8) NOT NULL CHECK (status IN ('pending', 'stored', 'failed')),
        error text,
        failed_sources text[] NOT NULL DEFAULT '{}',
        requested_at timestamptz NOT NULL DEFAULT now(),
        stored_at timestamptz,
        failed_at timestamptz
      )`);
    await db.query('CREATE INDEX content_files_status_idx ON content_files (status, failed_at DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE content_files');
    await db.query('DROP TABLE content_settings');
  }
}
