import { MigrationInterface, QueryRunner } from 'typeorm';

const CLASSIFICATIONS = `'critical','security','definition','update_rollup','service_pack','feature_pack','tool','driver','update','upgrade'`;

export class CreateApprovalRules1763780340000 implements MigrationInterface {
  name = 'CreateApprovalRules1763780340000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE approval_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        classifications varchar(20)[] NOT NULL DEFAULT '{}' CHECK (classifications <@ ARRAY[${CLASSIFICATIONS}]::varchar(20)[]),
        products text[] NOT NULL DEFAULT '{}',
        min_severity varchar(10) CHECK (min_severity IN ('critical', 'important', 'moderate', 'low')),
        group_ids uuid[] NOT NULL DEFAULT '{}',
        deadline_days int CHECK (deadline_days BETWEEN 0 AND 365),
        delay_days int CHECK (delay_days BETWEEN 0 AND 365),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(100) NOT NULL
      )`);
    await db.query('CREATE UNIQUE INDEX approval_rules_name_key ON approval_rules (lower(name))');
    // Rules after a sync evaluate the updates that run touched.
    await db.query('CREATE INDEX IF NOT EXISTS update_revisions_sync_run_idx ON update_revisions (sync_run_id) WHERE sync_run_id IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX IF EXISTS update_revisions_sync_run_idx');
    await db.query('DROP TABLE approval_rules');
  }
}
