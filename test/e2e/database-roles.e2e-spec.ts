import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestEnvironment, startTestApp } from '../support/test-app';

/**
 * Issue 18 item 12: in a deployment where the app role does not own the tables (docker-compose.yml,
 * config/postgres-init), the migrations leave that role unable to rewrite the approval log or its
 * checkpoints, while it keeps full rights on the other tables.
 */
describe('database roles: the app role cannot rewrite the approval log', () => {
  it('revokes UPDATE, DELETE and TRUNCATE on the log and its checkpoints from a role granted table rights by default privileges', async () => {
    const environment = await createTestEnvironment();
    const role = `app_${randomBytes(4).toString('hex')}`;
    const owner = await new DataSource({ type: 'postgres', url: environment.databaseUrl }).initialize();
    try {
      // What config/postgres-init/10-roles.sh grants, before the migrations create the tables.
      await owner.query(`CREATE ROLE ${role} NOLOGIN`);
      await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO ${role}`);
      const app = await startTestApp({ environment }); // runs the migrations as the tables' owner
      await app.close();
      const can = async (table: string, privilege: string) =>
        (await owner.query('SELECT has_table_privilege($1, $2, $3) AS ok', [role, table, privilege]))[0].ok as boolean;
      for (const table of ['approval_log', 'approval_log_checkpoints']) {
        expect([await can(table, 'SELECT'), await can(table, 'INSERT')]).toEqual([true, true]);
        expect([await can(table, 'UPDATE'), await can(table, 'DELETE'), await can(table, 'TRUNCATE')]).toEqual([false, false, false]);
      }
      expect([await can('approvals', 'UPDATE'), await can('approvals', 'DELETE')]).toEqual([true, true]);
    } finally {
      await owner.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await owner.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await owner.destroy();
    }
  });
});
