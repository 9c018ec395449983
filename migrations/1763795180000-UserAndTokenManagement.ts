import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * User and token management (docs/security.md): API tokens expire (`expires_at`, NULL: never),
 * and a password change ends the user's earlier sessions (`password_changed_at` against a JWT's iat).
 */
export class UserAndTokenManagement1763795180000 implements MigrationInterface {
  name = 'UserAndTokenManagement1763795180000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz');
    await db.query('ALTER TABLE users ADD COLUMN password_changed_at timestamptz');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE users DROP COLUMN password_changed_at');
    await db.query('ALTER TABLE api_tokens DROP COLUMN expires_at');
  }
}
