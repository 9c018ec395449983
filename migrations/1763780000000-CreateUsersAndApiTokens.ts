import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndApiTokens1763780000000 implements MigrationInterface {
  name = 'CreateUsersAndApiTokens1763780000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(64) NOT NULL,
        password_hash text NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('admin', 'approver', 'auditor')),
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);
    await db.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('admin', 'approver', 'auditor')),
        token_hash char(64) NOT NULL UNIQUE,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE api_tokens');
    await db.query('DROP TABLE users');
  }
}
