import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEvents1763780500000 implements MigrationInterface {
  name = 'CreateAuditEvents1763780500000';

  async up(db: QueryRunner): Promise<void> {
    // Every admin action and every denial: appended by the API, pruned only by the optional
    // retention job (PATCHGATE_AUDIT_EVENT_RETENTION_DAYS), never updated.
    await db.query(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_type varchar(12) NOT NULL CHECK (actor_type IN ('user', 'api-token', 'anonymous', 'system')),
        actor_id varchar(100),
        actor_name varchar(100),
        actor_role varchar(16),
        action varchar(200) NOT NULL,
        target_type varchar(64),
        target_id varchar(200),
        result varchar(8) NOT NULL CHECK (result IN ('success', 'denied', 'failed')),
        status_code smallint,
        client_ip varchar(64),
        request_id varchar(128),
        summary jsonb
      )`);
    await db.query('CREATE INDEX audit_events_at_idx ON audit_events (at)');
    await db.query('CREATE INDEX audit_events_actor_idx ON audit_events (actor_id)');
    await db.query('CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_events');
  }
}
