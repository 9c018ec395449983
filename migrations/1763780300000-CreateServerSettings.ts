import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateServerSettings1763780300000 implements MigrationInterface {
  name = 'CreateServerSettings1763780300000';

  async up(db: QueryRunner): Promise<void> {
    // One row (id = 1): server-wide settings an admin changes at run time, unlike the environment.
    await db.query(`
      CREATE TABLE server_settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        targeting_mode varchar(8) NOT NULL DEFAULT 'server' CHECK (targeting_mode IN ('server', 'client')),
        check_in_seconds int NOT NULL DEFAULT 1800 CHECK (check_in_seconds BETWEEN 60 AND 86400),
        stale_after_days int NOT NULL DEFAULT 14 CHECK (stale_after_days BETWEEN 1 AND 365),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(100)
      )`);
    await db.query('INSERT INTO server_settings (id) VALUES (1)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE server_settings');
  }
}
