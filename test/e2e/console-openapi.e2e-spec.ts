import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The console's API client is generated from the OpenAPI document (src/console/api/openapi.json →
 * schema.d.ts). These tests fail when the committed document or types differ from what the running
 * API serves; `npm run console:openapi` regenerates both.
 */
const ROOT = join(__dirname, '..', '..');
const DOCUMENT = join(ROOT, 'src/console/api/openapi.json');
const TYPES = join(ROOT, 'src/console/api/schema.d.ts');
const WRITE = process.env.PATCHGATE_WRITE_OPENAPI === '1';

describe('console OpenAPI client', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('the committed OpenAPI document is the one the API serves', async () => {
    const res = await app.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    const served = `${JSON.stringify(res.body, null, 2)}\n`;
    if (WRITE) await writeFile(DOCUMENT, served);
    const committed = await readFile(DOCUMENT, 'utf8');
    expect(JSON.parse(committed)).toEqual(res.body);
  });

  it('the committed client types are generated from the committed document', async () => {
    const out = join(tmpdir(), `patchgate-schema-${process.pid}.d.ts`);
    await promisify(execFile)(join(ROOT, 'node_modules/.bin/openapi-typescript'), [DOCUMENT, '-o', out], { cwd: ROOT });
    const generated = await readFile(out, 'utf8');
    if (WRITE) await writeFile(TYPES, generated);
    expect(await readFile(TYPES, 'utf8')).toBe(generated);
  }, 60_000);
});
