import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApprovalsAndApprovalLog1763780330000 implements MigrationInterface {
  name = 'CreateApprovalsAndApprovalLog1763780330000';

  async up(db: QueryRunner): Promise<void> {
    // An explicit decision of one group for one update; "none" is the absence of a row.
    await db.query(`
      CREATE TABLE approvals (
        update_id uuid NOT NULL REFERENCES updates (update_id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES computer_groups (id),
        decision varchar(10) NOT NULL CHECK (decision IN ('install', 'uninstall', 'decline')),
        deadline timestamptz,
        optional boolean NOT NULL DEFAULT false,
        reason text,
        revision int,
        status varchar(12) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_review')),
        source varchar(12) NOT NULL CHECK (source IN ('manual', 'rule', 'sync', 'maintenance')),
        rule_id uuid,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(100) NOT NULL,
        PRIMARY KEY (update_id, group_id),
        CHECK (NOT optional OR decision = 'install'),
        CHECK (deadline IS NULL OR decision IN ('install', 'uninstall')),
        CHECK (status = 'active' OR decision = 'install')
      )`);
    // The effective-decision walk probes each group of a path: group first, then update, with the
    // decision columns included so the walk is an index-only scan.
    await db.query(
      'CREATE INDEX approvals_group_update_idx ON approvals (group_id, update_id) INCLUDE (decision, deadline, optional, status, revision)',
    );
    await db.query(`CREATE INDEX approvals_needs_review_idx ON approvals (update_id) WHERE status = 'needs_review'`);

    // Append-only; seq is gapless because it is assigned under an advisory lock in the writing
    // transaction. group_id is not a foreign key: entries outlive the groups they name.
    await db.query(`
      CREATE TABLE approval_log (
        seq bigint PRIMARY KEY CHECK (seq >= 1),
        at timestamptz NOT NULL,
        actor_type varchar(12) NOT NULL CHECK (actor_type IN ('user', 'api-token', 'rule', 'sync', 'maintenance')),
        actor_id varchar(100),
        actor_name varchar(100) NOT NULL,
        actor_role varchar(16),
        update_id uuid NOT NULL,
        revision int,
        group_id uuid,
        previous_decision varchar(10) NOT NULL CHECK (previous_decision IN ('install', 'uninstall', 'decline', 'none')),
        new_decision varchar(10) NOT NULL CHECK (new_decision IN ('install', 'uninstall', 'decline', 'none')),
        status varchar(12) CHECK (status IN ('active', 'needs_review')),
        deadline timestamptz,
        optional boolean NOT NULL DEFAULT false,
        reason text,
        source varchar(12) NOT NULL CHECK (source IN ('manual', 'rule', 'sync', 'maintenance')),
        rule_id uuid,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL UNIQUE
      )`);
    await db.query('CREATE INDEX approval_log_update_idx ON approval_log (update_id, seq)');
    await db.query('CREATE INDEX approval_log_group_idx ON approval_log (group_id, seq)');
    await db.query('CREATE INDEX approval_log_actor_id_idx ON approval_log (actor_id, seq)');
    await db.query('CREATE INDEX approval_log_actor_name_idx ON approval_log (lower(actor_name), seq)');
    await db.query('CREATE INDEX approval_log_at_idx ON approval_log (at)');
    // Rules look up "was this (update, group) ever decided by hand?".
    await db.query(`CREATE INDEX approval_log_manual_idx ON approval_log (update_id, group_id) WHERE source = 'manual'`);

    // No role of the application may rewrite history: refuse UPDATE, DELETE and TRUNCATE outright.
    await db.query(`
      CREATE FUNCTION approval_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'approval_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await db.query(`
      CREATE TRIGGER approval_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON approval_log
      FOR EACH STATEMENT EXECUTE FUNCTION approval_log_refuse_change()`);
    await db.query('REVOKE UPDATE, DELETE, TRUNCATE ON approval_log FROM PUBLIC');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE approval_log');
    await db.query('DROP FUNCTION approval_log_refuse_change()');
    await db.query('DROP TABLE approvals');
  }
}
