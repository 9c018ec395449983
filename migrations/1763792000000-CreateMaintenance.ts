import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMaintenance1763792000000 implements MigrationInterface {
  name = 'CreateMaintenance1763792000000';

  async up(db: QueryRunner): Promise<void> {
    // One row (id = 1). status_history_days starts NULL: the first start seeds it from
    // PATCHGATE_STATUS_HISTORY_DAYS, which set it before maintenance existed.
    await db.query(`
      CREATE TABLE maintenance_config (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        schedule varchar(120) DEFAULT '17 3 * * *',
        decline_superseded_after_days int NOT NULL DEFAULT 30 CHECK (decline_superseded_after_days BETWEEN 0 AND 3650),
        decline_expired boolean NOT NULL DEFAULT true,
        remove_computers_after_days int NOT NULL DEFAULT 90 CHECK (remove_computers_after_days BETWEEN 0 AND 36500),
        status_history_days int CHECK (status_history_days BETWEEN 0 AND 3650),
        delete_unneeded_content boolean NOT NULL DEFAULT true,
        vacuum boolean NOT NULL DEFAULT true,
        batch_size int NOT NULL DEFAULT 500 CHECK (batch_size BETWEEN 1 AND 10000),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(100)
      )`);
    await db.query('INSERT INTO maintenance_config (id) VALUES (1)');
    // The maintenance log. `settings` is the configuration the run was queued with (a resumed run
    // keeps it); `tasks` holds each task's progress, written in the transaction of each batch.
    await db.query(`
      CREATE TABLE maintenance_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        trigger varchar(10) NOT NULL CHECK (trigger IN ('manual', 'scheduled')),
        status varchar(10) NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        requested_by varchar(100),
        settings jsonb NOT NULL,
        tasks jsonb NOT NULL DEFAULT '{}',
        attempts int NOT NULL DEFAULT 0,
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        error text
      )`);
    await db.query(`CREATE UNIQUE INDEX maintenance_runs_one_active_idx ON maintenance_runs ((true)) WHERE status IN ('queued', 'running')`);
    await db.query('CREATE UNIQUE INDEX maintenance_runs_seq_idx ON maintenance_runs (seq DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE maintenance_runs');
    await db.query('DROP TABLE maintenance_config');
  }
}
