import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateComputersAndEnrollmentKeys1763780320000 implements MigrationInterface {
  name = 'CreateComputersAndEnrollmentKeys1763780320000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE enrollment_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        key_hash char(64) NOT NULL UNIQUE,
        group_id uuid REFERENCES computer_groups (id) ON DELETE SET NULL,
        expires_at timestamptz,
        max_uses int CHECK (max_uses >= 1),
        use_count int NOT NULL DEFAULT 0,
        created_by varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CHECK (max_uses IS NULL OR use_count <= max_uses)
      )`);
    // A revoked computer keeps its row (install history refers to it); only revoked ones may lose
    // their group, when that group is deleted.
    await db.query(`
      CREATE TABLE computers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hostname varchar(255) NOT NULL,
        os_family varchar(64) NOT NULL,
        os_version varchar(64) NOT NULL,
        arch varchar(32) NOT NULL,
        agent_version varchar(64) NOT NULL,
        group_id uuid REFERENCES computer_groups (id) ON DELETE SET NULL,
        requested_group varchar(100),
        token_hash char(64) NOT NULL UNIQUE,
        enrollment_key_id uuid REFERENCES enrollment_keys (id) ON DELETE SET NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        revoked_at timestamptz,
        inventory jsonb NOT NULL DEFAULT '{}',
        CHECK (group_id IS NOT NULL OR revoked_at IS NOT NULL)
      )`);
    await db.query('CREATE INDEX computers_group_idx ON computers (group_id) WHERE revoked_at IS NULL');
    await db.query('CREATE INDEX computers_hostname_idx ON computers (hostname, id) WHERE revoked_at IS NULL');
    await db.query('CREATE INDEX computers_hostname_trgm_idx ON computers USING gin (hostname gin_trgm_ops)');
    await db.query('CREATE INDEX computers_last_contact_idx ON computers ((coalesce(last_seen_at, registered_at))) WHERE revoked_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE computers');
    await db.query('DROP TABLE enrollment_keys');
  }
}
