import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upstream kinds are plug-ins (src/modules/catalog/sync/upstreams/): the database no longer lists
 * them, so adding a kind needs no migration. Kind-specific configuration (e.g. an `apt`
 * upstream's sources and keyring) is kept as JSON beside the URL and token.
 */
export class UpstreamKindsAsPlugins1763793000000 implements MigrationInterface {
  name = 'UpstreamKindsAsPlugins1763793000000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['sync_config', 'sync_runs']) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_upstream_kind_check`);
      await db.query(`ALTER TABLE ${table} ALTER COLUMN upstream_kind TYPE varchar(40)`);
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_upstream_kind_check CHECK (upstream_kind ~ '^[a-z][a-z0-9-]{0,39}$')`);
    }
    await db.query('ALTER TABLE sync_config ADD COLUMN upstream_settings jsonb');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE sync_config DROP COLUMN upstream_settings');
    for (const table of ['sync_config', 'sync_runs']) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_upstream_kind_check`);
      await db.query(`ALTER TABLE ${table} ALTER COLUMN upstream_kind TYPE varchar(10)`);
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_upstream_kind_check CHECK (upstream_kind IN ('feed', 'patchgate'))`);
    }
  }
}
