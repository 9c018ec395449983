import { MigrationInterface, QueryRunner } from 'typeorm';

const CLASSIFICATIONS = `'critical','security','definition','update_rollup','service_pack','feature_pack','tool','driver','update','upgrade'`;

export class CreateCatalog1763780100000 implements MigrationInterface {
  name = 'CreateCatalog1763780100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    // One sequence orders every catalog change: downstream servers and caches follow it.
    await db.query('CREATE SEQUENCE catalog_change_seq AS bigint');
    await db.query(`
      CREATE TABLE updates (
        update_id uuid PRIMARY KEY,
        current_revision int NOT NULL CHECK (current_revision >= 1),
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        kb text[] NOT NULL DEFAULT '{}',
        cves text[] NOT NULL DEFAULT '{}',
        classification varchar(20) NOT NULL CHECK (classification IN (${CLASSIFICATIONS})),
        products text[] NOT NULL DEFAULT '{}',
        severity varchar(10) CHECK (severity IN ('critical','important','moderate','low')),
        released_at timestamptz NOT NULL,
        supersedes uuid[] NOT NULL DEFAULT '{}',
        prerequisites uuid[] NOT NULL DEFAULT '{}',
        reboot varchar(8) NOT NULL CHECK (reboot IN ('never','always','maybe')),
        user_input boolean NOT NULL,
        requires_eula boolean NOT NULL,
        files jsonb NOT NULL DEFAULT '[]',
        applicability jsonb NOT NULL,
        state varchar(8) NOT NULL CHECK (state IN ('active','expired')),
        declined_at timestamptz,
        declined_by varchar(100),
        decline_reason text,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        changed_at timestamptz NOT NULL DEFAULT now(),
        change_seq bigint NOT NULL DEFAULT nextval('catalog_change_seq')
      )`);
    await db.query('CREATE INDEX updates_classification_idx ON updates (classification)');
    await db.query('CREATE INDEX updates_severity_idx ON updates (severity)');
    await db.query('CREATE INDEX updates_released_at_idx ON updates (released_at DESC, update_id)');
    await db.query('CREATE INDEX updates_products_idx ON updates USING gin (products)');
    await db.query('CREATE INDEX updates_kb_idx ON updates USING gin (kb)');
    await db.query('CREATE INDEX updates_cves_idx ON updates USING gin (cves)');
    await db.query('CREATE INDEX updates_supersedes_idx ON updates USING gin (supersedes)');
    await db.query('CREATE INDEX updates_title_trgm_idx ON updates USING gin (title gin_trgm_ops)');
    await db.query('CREATE UNIQUE INDEX updates_change_seq_idx ON updates (change_seq)');
    await db.query(`
      CREATE TABLE update_revisions (
        update_id uuid NOT NULL REFERENCES updates (update_id) ON DELETE CASCADE,
        revision int NOT NULL CHECK (revision >= 1),
        document jsonb NOT NULL,
        content_hash char(64) NOT NULL,
        state varchar(8) NOT NULL CHECK (state IN ('active','expired')),
        requires_eula boolean NOT NULL,
        synced_at timestamptz NOT NULL DEFAULT now(),
        sync_run_id uuid,
        change_seq bigint NOT NULL DEFAULT nextval('catalog_change_seq'),
        PRIMARY KEY (update_id, revision)
      )`);
    await db.query('CREATE UNIQUE INDEX update_revisions_change_seq_idx ON update_revisions (change_seq)');
    await db.query(`
      CREATE TABLE products (
        path text PRIMARY KEY,
        first_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE products');
    await db.query('DROP TABLE update_revisions');
    await db.query('DROP TABLE updates');
    await db.query('DROP SEQUENCE catalog_change_seq');
  }
}
