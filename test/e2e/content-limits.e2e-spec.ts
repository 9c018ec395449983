import { createHash, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { approve } from '../factories/approvals.factory';
import { createGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { eventually } from '../support/eventually';
import { startTestApp, TestApp } from '../support/test-app';

interface Failure {
  sha256: string;
  reason: string;
}

describe('content downloads: an overall deadline per attempt, and a bound on declared sizes', () => {
  let app: TestApp;
  let admin: string;
  let upstream: Server;
  let base: string;
  const requested: string[] = [];

  beforeAll(async () => {
    // Answers /slow with its headers and a first few bytes, then nothing more: a trickle that never ends.
    upstream = createServer((req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(200, { 'content-length': '4096' });
      res.write(Buffer.alloc(16));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    app = await startTestApp({
      withWorker: true,
      env: {
        PATCHGATE_CONTENT_MODE: 'on_approval',
        PATCHGATE_CONTENT_ATTEMPTS: '1',
        PATCHGATE_CONTENT_DOWNLOAD_TIMEOUT_MS: '1000',
        PATCHGATE_CONTENT_MAX_FILE_BYTES: String(1024 * 1024),
      },
    });
    admin = await app.login();
  }, 120_000);

  afterAll(async () => {
    await app.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const failureOf = (sha256: string) =>
    eventually(
      async () => ((await app.http.get('/api/v1/content/status', { token: admin })).body.failures as Failure[]).find((f) => f.sha256 === sha256),
      (failure) => failure !== undefined,
    );
  const approvedFile = async (file: { name: string; url: string; sha256: string; size: number }) => {
    const updateId = await insertUpdate(app.db, { files: [file], applicability: { osFamily: ['windows'], arch: ['x64'] } });
    await approve(app, admin, { updateId, groupId: (await createGroup(app, admin)).id, decision: 'install' });
  };

  it('a download that does not finish within PATCHGATE_CONTENT_DOWNLOAD_TIMEOUT_MS fails, naming the deadline', async () => {
    const sha256 = createHash('sha256').update(randomBytes(8)).digest('hex');
    await approvedFile({ name: 'slow.bin', url: `${base}/slow`, sha256, size: 4096 });
    const failure = await failureOf(sha256);
    expect(failure!.reason).toBe('not complete within 1000 ms (PATCHGATE_CONTENT_DOWNLOAD_TIMEOUT_MS)');
    expect(requested).toContain('/slow');
  });

  it('a file declared larger than PATCHGATE_CONTENT_MAX_FILE_BYTES is not fetched at all', async () => {
    const sha256 = createHash('sha256').update(randomBytes(8)).digest('hex');
    await approvedFile({ name: 'huge.bin', url: `${base}/huge`, sha256, size: 1024 * 1024 + 1 });
    const failure = await failureOf(sha256);
    expect(failure!.reason).toBe(`declared size ${1024 * 1024 + 1} bytes is above PATCHGATE_CONTENT_MAX_FILE_BYTES (${1024 * 1024})`);
    expect(requested).not.toContain('/huge');
  });
});
