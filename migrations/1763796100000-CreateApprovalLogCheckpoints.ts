import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApprovalLogCheckpoints1763796100000 implements MigrationInterface {
  name = 'CreateApprovalLogCheckpoints1763796100000';

  async up(db: QueryRunner): Promise<void> {
    // Signed checkpoints of the approval log's head (src/modules/audit/checkpoints): a head older
    // than the last checkpoint means entries were removed. Append-only like the log itself.
    await db.query(`
      CREATE TABLE approval_log_checkpoints (
        id bigserial PRIMARY KEY,
        seq bigint NOT NULL CHECK (seq >= 0),
        hash text NOT NULL,
        checkpointed_at timestamptz NOT NULL,
        reason varchar(16) NOT NULL CHECK (reason IN ('verify', 'daily')),
        key_id varchar(64) NOT NULL,
        signature text NOT NULL
      )`);
    await db.query(`
      CREATE TRIGGER approval_log_checkpoints_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON approval_log_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION approval_log_refuse_change()`);
    await db.query('REVOKE UPDATE, DELETE, TRUNCATE ON approval_log_checkpoints FROM PUBLIC');
    // A deployment whose app role is not the owner (docker-compose.yml, config/postgres-init)
    // grants it table rights by default privileges: take back every right to rewrite the log
    // and its checkpoints from every role but the owner.
    await db.query(`
      DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
                  WHERE g.table_schema = current_schema() AND g.table_name IN ('approval_log', 'approval_log_checkpoints')
                    AND g.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') AND g.grantee <> 'PUBLIC'
                    AND g.grantee <> (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'approval_log')
        LOOP
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON approval_log, approval_log_checkpoints FROM %I', r.grantee);
        END LOOP;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE approval_log_checkpoints');
  }
}
