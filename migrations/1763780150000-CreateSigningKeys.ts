import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSigningKeys1763780150000 implements MigrationInterface {
  name = 'CreateSigningKeys1763780150000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE signing_keys (
        id varchar(32) PRIMARY KEY,
        alg varchar(16) NOT NULL CHECK (alg = 'ed25519'),
        public_key_pem text NOT NULL,
        private_key_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
    // At most one active key: every replica signs with the same one.
    await db.query('CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE signing_keys');
  }
}
