import { MigrationInterface, QueryRunner } from 'typeorm';

const CLASSIFICATIONS = `'critical','security','definition','update_rollup','service_pack','feature_pack','tool','driver','update','upgrade'`;

export class CreateSync1763780200000 implements MigrationInterface {
  name = 'CreateSync1763780200000';

  async up(db: QueryRunner): Promise<void> {
    // The one upstream configuration of this server (a single row).
    await db.query(`
      CREATE TABLE sync_config (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        upstream_kind varchar(10) NOT NULL CHECK (upstream_kind IN ('feed', 'patchgate')),
        upstream_url text NOT NULL,
        upstream_token text,
        schedule varchar(120),
        products text[] NOT NULL DEFAULT '{}',
        classifications varchar(20)[] NOT NULL DEFAULT '{}' CHECK (classifications <@ ARRAY[${CLASSIFICATIONS}]::varchar(20)[]),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(100)
      )`);
    await db.query(`
      CREATE TABLE sync_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        trigger varchar(10) NOT NULL CHECK (trigger IN ('manual', 'scheduled')),
        status varchar(10) NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        requested_by varchar(100),
        upstream_kind varchar(10) NOT NULL CHECK (upstream_kind IN ('feed', 'patchgate')),
        upstream_url text NOT NULL,
        products text[] NOT NULL DEFAULT '{}',
        classifications varchar(20)[] NOT NULL DEFAULT '{}',
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        new_updates int NOT NULL DEFAULT 0,
        revised_updates int NOT NULL DEFAULT 0,
        expired_updates int NOT NULL DEFAULT 0,
        unchanged_updates int NOT NULL DEFAULT 0,
        item_errors jsonb NOT NULL DEFAULT '[]',
        item_error_count int NOT NULL DEFAULT 0,
        items_processed int NOT NULL DEFAULT 0,
        items_filtered int NOT NULL DEFAULT 0,
        pages_processed int NOT NULL DEFAULT 0,
        cursor_before text,
        cursor_after text,
        next_page text,
        error text
      )`);
    // At most one run at a time, across every API and worker process: PostgreSQL refuses a second.
    await db.query(`CREATE UNIQUE INDEX sync_runs_one_active_idx ON sync_runs ((true)) WHERE status IN ('queued', 'running')`);
    await db.query('CREATE UNIQUE INDEX sync_runs_seq_idx ON sync_runs (seq DESC)');
    await db.query('CREATE INDEX sync_runs_status_seq_idx ON sync_runs (status, seq DESC)');
    await db.query('CREATE INDEX sync_runs_upstream_idx ON sync_runs (upstream_kind, upstream_url, seq DESC) WHERE started_at IS NOT NULL');
    // The state of each update before the run that touched it: counts stay per update across pages
    // and resumptions. Rows of unchanged updates are dropped when the run ends; the rest record
    // which updates the run brought in, revised or expired.
    await db.query(`
      CREATE TABLE sync_run_updates (
        sync_run_id uuid NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
        update_id uuid NOT NULL,
        previous_revision int,
        previously_expired boolean,
        PRIMARY KEY (sync_run_id, update_id)
      )`);
    await db.query(`
      CREATE TABLE downstream_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        token_hash char(64) NOT NULL UNIQUE,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE downstream_tokens');
    await db.query('DROP TABLE sync_run_updates');
    await db.query('DROP TABLE sync_runs');
    await db.query('DROP TABLE sync_config');
  }
}
