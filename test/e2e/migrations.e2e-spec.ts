import { Client } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { ContentFileShaAsText1763792900000 } from '../../migrations/1763792900000-ContentFileShaAsText';
import { StatusWritesWithoutRowChecks1765100000000 } from '../../migrations/1765100000000-StatusWritesWithoutRowChecks';
import { dataSourceOptions } from '../../src/infra/database/data-source-options';
import { ComplianceCounters } from '../../src/modules/reports/compliance-counters';
import { createTestEnvironment } from '../support/test-app';

/** content_files as CreateContent made it before its sha256 became text in place. */
const OLD_CONTENT_FILES = `
  CREATE TABLE content_files (
    sha256 char(64) PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL,
    url text NOT NULL,
    source varchar(80) NOT NULL,
    status varchar(8) NOT NULL
  )`;

describe('migration ContentFileShaAsText', () => {
  let db: Client;
  const runner = () => ({ query: (sql: string) => db.query(sql).then((r) => r.rows) }) as unknown as QueryRunner;
  const shaType = async () =>
    (await db.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'content_files' AND column_name = 'sha256'`)).rows[0]?.data_type;

  beforeEach(async () => {
    db = new Client({ connectionString: (await createTestEnvironment()).databaseUrl });
    await db.connect();
  });
  afterEach(() => db.end());

  it('converts a char(64) sha256 made before CreateContent was edited to text, keeping the rows, and does nothing when run again', async () => {
    await db.query(OLD_CONTENT_FILES);
    const sha = 'ab'.repeat(32);
    await db.query(`INSERT INTO content_files VALUES ($1, 10, 'https://example.test/f', 'u:1', 'stored')`, [sha]);
    expect(await shaType()).toBe('character');

    await new ContentFileShaAsText1763792900000().up(runner());
    expect(await shaType()).toBe('text');
    expect((await db.query('SELECT sha256, size::int AS size FROM content_files WHERE sha256 = $1::text', [sha])).rows).toEqual([{ sha256: sha, size: 10 }]);

    await new ContentFileShaAsText1763792900000().up(runner());
    expect(await shaType()).toBe('text');
  });

  it('leaves a text sha256 (databases made by the current CreateContent) as it is', async () => {
    await db.query(OLD_CONTENT_FILES.replace('sha256 char(64)', 'sha256 text'));
    await new ContentFileShaAsText1763792900000().up(runner());
    expect(await shaType()).toBe('text');
  });
});

describe('migration StatusWritesWithoutRowChecks', () => {
  let db: Client;
  let source: DataSource;
  const ROOT = '00000000-0000-4000-8000-000000000001';

  /** The foreign keys of install_states and status_events, status_events' id column, and the delete trigger. */
  const schema = async () => ({
    foreignKeys: (
      await db.query(`SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('install_states'::regclass, 'status_events'::regclass) ORDER BY 1`)
    ).rows.map((r) => r.t),
    eventId: (await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'status_events' AND column_name = 'id'`)).rowCount === 1,
    deleteTrigger: (await db.query(`SELECT 1 FROM pg_trigger WHERE tgname = 'computers_delete_rows'`)).rowCount === 1,
  });

  /** A computer with a state and an event; deleting it must leave no row of it behind, and counters equal to a recount. */
  const deleteTakesRows = async () => {
    const { rows } = await db.query(
      `INSERT INTO computers (hostname, os_family, os_version, arch, agent_version, group_id, token_hash)
       VALUES ('m', 'windows', '10.0', 'x64', '1', $1, md5(random()::text) || md5(random()::text)) RETURNING id`,
      [ROOT],
    );
    const computerId = rows[0].id;
    await db.query(`INSERT INTO install_states (computer_id, update_id, revision, state, occurred_at, seq) VALUES ($1, gen_random_uuid(), 1, 'installed', now(), 1)`, [computerId]);
    await db.query(`INSERT INTO status_events (computer_id, update_id, revision, state, occurred_at, seq) VALUES ($1, gen_random_uuid(), 1, 'installed', now(), 1)`, [computerId]);
    await db.query('DELETE FROM computers WHERE id = $1', [computerId]);
    const left = await db.query(
      'SELECT (SELECT count(*) FROM install_states WHERE computer_id = $1)::int + (SELECT count(*) FROM status_events WHERE computer_id = $1)::int AS n',
      [computerId],
    );
    expect(left.rows[0].n).toBe(0);
    expect((await new ComplianceCounters(source).recount()).differences).toBe(0);
  };

  beforeEach(async () => {
    const { databaseUrl } = await createTestEnvironment();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    source = new DataSource(dataSourceOptions(databaseUrl));
    await source.initialize();
    await source.runMigrations({ transaction: 'each' });
  });
  afterEach(async () => {
    await source.destroy();
    await db.end();
  });

  it('down restores the foreign keys and the id, up removes them again, and deleting a computer takes its rows either way', async () => {
    expect(await schema()).toEqual({ foreignKeys: [], eventId: false, deleteTrigger: true });
    await deleteTakesRows();

    const migration = new StatusWritesWithoutRowChecks1765100000000();
    const runner = source.createQueryRunner();
    await migration.down(runner);
    expect(await schema()).toEqual({ foreignKeys: ['install_states', 'status_events'], eventId: true, deleteTrigger: false });
    await deleteTakesRows();

    await migration.up(runner);
    await runner.release();
    expect(await schema()).toEqual({ foreignKeys: [], eventId: false, deleteTrigger: true });
    await deleteTakesRows();
  });
});
