import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The APT repositories' OpenPGP key lives beside the check-in key in signing_keys (alg
 * 'openpgp', public_key_pem then holds the ASCII-armored public key): one active key per alg.
 */
export class AptRepositorySigningKey1763796160000 implements MigrationInterface {
  name = 'AptRepositorySigningKey1763796160000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_alg_check');
    await db.query(`ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_alg_check CHECK (alg IN ('ed25519', 'openpgp'))`);
    await db.query('DROP INDEX signing_keys_one_active');
    await db.query('CREATE UNIQUE INDEX signing_keys_one_active_per_alg ON signing_keys (alg) WHERE retired_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM signing_keys WHERE alg = 'openpgp'`);
    await db.query('DROP INDEX signing_keys_one_active_per_alg');
    await db.query('CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL');
    await db.query('ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_alg_check');
    await db.query(`ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_alg_check CHECK (alg = 'ed25519')`);
  }
}
