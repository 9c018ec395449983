import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { discardDownload, DownloadError, downloadFile } from './downloader';

describe(downloadFile.name, () => {
  const payload = randomBytes(64 * 1024);
  const sha256 = createHash('sha256').update(payload).digest('hex');
  let server: Server;
  let base: string;
  let dir: string;
  let bytesSentForEndless = 0;
  const authorizations: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/file.msu') {
        authorizations.push(req.headers.authorization);
        return res.end(payload);
      }
      if (req.url === '/bigger-chunked') {
        // No content-length: the cap must stop the stream itself.
        res.write(payload);
        return res.end(randomBytes(10));
      }
      if (req.url === '/endless') {
        // Never ends: only the size cap can stop this download.
        const timer = setInterval(() => {
          bytesSentForEndless += 16 * 1024;
          res.write(randomBytes(16 * 1024));
        }, 1);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (req.url === '/announced-bigger') {
        res.setHeader('content-length', String(payload.length + 1));
        return res.end(Buffer.concat([payload, Buffer.from('x')]));
      }
      res.statusCode = 404;
      res.end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pg-dl-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    return error as DownloadError;
  };
  const leftovers = () => readdirSync(dir);

  it('sends the computer token to its own server only, never to another origin', async () => {
    const file = { name: 'file.msu', sha256, size: payload.length };
    const credentials = { server: base, token: 'pgc_secret' };
    authorizations.length = 0;
    await downloadFile({ ...file, url: `${base}/file.msu` }, dir, credentials);
    // Same machine, other origin (host name differs): an upstream as far as the agent knows.
    await downloadFile({ ...file, url: `${base.replace('127.0.0.1', 'localhost')}/file.msu` }, dir, credentials);
    await downloadFile({ ...file, url: `${base}/file.msu` }, dir);
    expect(authorizations).toEqual(['Bearer pgc_secret', undefined, undefined]);
  });

  it('keeps a file whose size and sha256 are the declared ones, under its offered name', async () => {
    const path = await downloadFile({ name: 'file.msu', url: `${base}/file.msu`, sha256, size: payload.length }, dir);
    expect(path.endsWith('/file.msu')).toBe(true);
    expect(readFileSync(path).equals(payload)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    discardDownload(path);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a file whose bytes do not hash to the declared sha256, leaving nothing behind', async () => {
    const error = await failure(downloadFile({ name: 'file.msu', url: `${base}/file.msu`, sha256: 'b'.repeat(64), size: payload.length }, dir));
    expect(error.code).toBe('hash_mismatch');
    expect(leftovers()).toEqual([]);
  });

  it('stops as soon as more bytes arrive than declared', async () => {
    const error = await failure(downloadFile({ name: 'f', url: `${base}/bigger-chunked`, sha256, size: payload.length }, dir));
    expect(error.code).toBe('size_exceeded');
    expect(leftovers()).toEqual([]);
  });

  it('stops an endless stream at the cap', async () => {
    const error = await failure(downloadFile({ name: 'f', url: `${base}/endless`, sha256, size: 100 * 1024 }, dir));
    expect(error.code).toBe('size_exceeded');
    expect(leftovers()).toEqual([]);
    expect(bytesSentForEndless).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a response that announces more than the declared size', async () => {
    const error = await failure(downloadFile({ name: 'f', url: `${base}/announced-bigger`, sha256, size: payload.length }, dir));
    expect(error.code).toBe('size_exceeded');
  });

  it('reports an HTTP error or an unreachable server as download_failed', async () => {
    expect((await failure(downloadFile({ name: 'f', url: `${base}/missing`, sha256, size: 10 }, dir))).code).toBe('download_failed');
    expect((await failure(downloadFile({ name: 'f', url: 'http://127.0.0.1:1/f', sha256, size: 10 }, dir))).code).toBe('download_failed');
  });

  it('reads file:// URLs with the same checks', async () => {
    const source = join(dir, 'source.bin');
    writeFileSync(source, payload);
    const into = join(dir, 'into');
    const path = await downloadFile({ name: 'x.bin', url: pathToFileURL(source).toString(), sha256, size: payload.length }, into);
    expect(readFileSync(path).equals(payload)).toBe(true);
    expect((await failure(downloadFile({ name: 'x.bin', url: pathToFileURL(source).toString(), sha256, size: 10 }, into))).code).toBe('size_exceeded');
    expect(existsSync(path)).toBe(true);
  });
});
