import { MigrationInterface, QueryRunner } from 'typeorm';

const STATES = `'downloaded','installed','installed_pending_reboot','failed','not_applicable','uninstalled'`;

export class CreateInstallStates1763780400000 implements MigrationInterface {
  name = 'CreateInstallStates1763780400000';

  async up(db: QueryRunner): Promise<void> {
    // The latest report per (computer, update): the highest seq wins, whatever the arrival order.
    await db.query(`
      CREATE TABLE install_states (
        computer_id uuid NOT NULL REFERENCES computers (id) ON DELETE CASCADE,
        update_id uuid NOT NULL,
        revision int NOT NULL,
        state varchar(24) NOT NULL CHECK (state IN (${STATES})),
        error_code varchar(64),
        message text,
        occurred_at timestamptz NOT NULL,
        seq bigint NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (computer_id, update_id)
      )`);
    await db.query('CREATE INDEX install_states_update_idx ON install_states (update_id, state)');
    // Every event as reported, pruned by retention.
    await db.query(`
      CREATE TABLE status_events (
        id bigserial PRIMARY KEY,
        computer_id uuid NOT NULL REFERENCES computers (id) ON DELETE CASCADE,
        update_id uuid NOT NULL,
        revision int NOT NULL,
        state varchar(24) NOT NULL CHECK (state IN (${STATES})),
        error_code varchar(64),
        message text,
        occurred_at timestamptz NOT NULL,
        seq bigint NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX status_events_computer_idx ON status_events (computer_id, update_id, seq)');
    await db.query('CREATE INDEX status_events_received_idx ON status_events (received_at)');
    // Dotted OS versions as comparable int arrays, padded so that 15 = 15.0 < 15.0.1 (as the
    // check-in compares them); junk parts count as 0. Reports use it to tell "needed" from "unknown".
    await db.query(`
      CREATE FUNCTION os_version_key(version text) RETURNS int[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_cat(parts, array_fill(0, ARRAY[greatest(0, 8 - cardinality(parts))]))
          FROM (SELECT coalesce(array_agg(coalesce(nullif(regexp_replace(part, '\\D', '', 'g'), '')::int, 0) ORDER BY n), '{}') AS parts
                  FROM unnest(string_to_array(version, '.')) WITH ORDINALITY AS t(part, n)) AS p
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION os_version_key(text)');
    await db.query('DROP TABLE status_events');
    await db.query('DROP TABLE install_states');
  }
}
