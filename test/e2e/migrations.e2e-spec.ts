import { Client } from 'pg';
import { QueryRunner } from 'typeorm';
import { ContentFileShaAsText1763792900000 } from '../../migrations/1763792900000-ContentFileShaAsText';
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
