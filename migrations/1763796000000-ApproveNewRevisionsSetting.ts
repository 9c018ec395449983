import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApproveNewRevisionsSetting1763796000000 implements MigrationInterface {
  name = 'ApproveNewRevisionsSetting1763796000000';

  async up(db: QueryRunner): Promise<void> {
    // WSUS's "approve new revisions of approved updates": on by default, as in WSUS.
    await db.query('ALTER TABLE server_settings ADD COLUMN approve_new_revisions boolean NOT NULL DEFAULT true');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE server_settings DROP COLUMN approve_new_revisions');
  }
}
