import { OutboundPolicy } from '../../../infra/http/outbound-policy';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FetchAbortedError, PageFetcher, UpstreamError } from './page-fetcher';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

describe(PageFetcher.name, () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  let hits: number;
  const fetcher = new PageFetcher({ timeoutMs: 300, attempts: 3, retryDelayMs: 10, maxBytes: 1024, policy: OutboundPolicy.permissive() });
  const dir = mkdtempSync(join(tmpdir(), 'page-fetcher-'));

  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res, ++hits));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    hits = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a page, sending the token, and reports where it ended up after redirects', async () => {
    let authorization: string | undefined;
    handler = (req, res) => {
      if (req.url === '/old/index.json') return void res.writeHead(301, { location: '/new/index.json' }).end();
      authorization = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"nextCursor":null}');
    };
    const page = await fetcher.fetch(`${base}/old/index.json`, { token: 'secret' });
    expect(page.body.toString()).toBe('{"items":[],"nextCursor":null}');
    expect(page.url).toBe(`${base}/new/index.json`);
    expect(authorization).toBe('Bearer secret');
  });

  it('refuses a redirect to another origin, never sending the token there', async () => {
    const other = base.replace('127.0.0.1', 'localhost');
    const requests: { host?: string; authorization?: string }[] = [];
    handler = (req, res) => {
      requests.push({ host: req.headers.host, authorization: req.headers.authorization });
      if (req.headers.host === new URL(base).host) return void res.writeHead(302, { location: `${other}/stolen.json` }).end();
      res.writeHead(200).end('{}');
    };
    const error = await fetcher.fetch(`${base}/index.json`, { token: 'secret' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).transient).toBe(false);
    expect((error as Error).message).toBe(`GET ${base}/index.json: redirected to another origin (${other}): refused`);
    expect(requests).toEqual([{ host: new URL(base).host, authorization: 'Bearer secret' }]);
  });

  it('gives up after a bounded number of same-origin redirects', async () => {
    handler = (req, res, hit) => res.writeHead(307, { location: `/loop-${hit}.json` }).end();
    await expect(fetcher.fetch(`${base}/loop.json`)).rejects.toThrow(`GET ${base}/loop.json: more than 5 redirects`);
    expect(hits).toBe(6);
  });

  it('retries a 5xx and succeeds when the upstream recovers', async () => {
    handler = (_req, res, hit) => (hit < 3 ? res.writeHead(503).end('busy') : res.writeHead(200).end('{}'));
    await expect(fetcher.fetch(`${base}/p.json`)).resolves.toMatchObject({ body: Buffer.from('{}') });
    expect(hits).toBe(3);
  });

  it('gives up on a persistent 5xx after the configured attempts, naming the URL and status, never echoing the body', async () => {
    handler = (_req, res) => res.writeHead(500, { 'content-type': 'application/problem+json' }).end('{"detail":"database is down"}');
    const error = await fetcher.fetch(`${base}/p.json`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toBe(`GET ${base}/p.json: HTTP 500 Internal Server Error (after 3 attempts)`);
    expect((error as UpstreamError).answer).toEqual({ status: 500 });
    expect(hits).toBe(3);
  });

  it('retries a connection reset', async () => {
    handler = (req, res, hit) => (hit === 1 ? req.socket.destroy() : res.writeHead(200).end('{}'));
    await expect(fetcher.fetch(`${base}/p.json`)).resolves.toMatchObject({ body: Buffer.from('{}') });
    expect(hits).toBe(2);
  });

  it('does not retry a 4xx', async () => {
    handler = (_req, res) => res.writeHead(401).end();
    await expect(fetcher.fetch(`${base}/p.json`)).rejects.toMatchObject({ transient: false, answer: { status: 401 } });
    expect(hits).toBe(1);
  });

  it('times out an upstream that never answers, and retries it', async () => {
    handler = () => undefined;
    await expect(fetcher.fetch(`${base}/p.json`)).rejects.toThrow(/within 300 ms \(timed out\) \(after 3 attempts\)/);
    expect(hits).toBe(3);
  });

  it('refuses a body over the cap, declared or streamed', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-length': '2048' }).end('x'.repeat(2048));
    await expect(fetcher.fetch(`${base}/p.json`)).rejects.toThrow(/larger than the limit of 1024 bytes/);
    handler = (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
      res.end();
    };
    await expect(fetcher.fetch(`${base}/p.json`)).rejects.toThrow(/larger than the limit of 1024 bytes/);
    expect(hits).toBe(2);
  });

  it('stops at once when the caller aborts', async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = fetcher.fetch(`${base}/p.json`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(FetchAbortedError);
  });

  it('reads file:// pages, refusing missing and oversized files', async () => {
    writeFileSync(join(dir, 'ok.json'), '{"items":[],"nextCursor":null}');
    writeFileSync(join(dir, 'big.json'), 'z'.repeat(4096));
    const ok = await fetcher.fetch(pathToFileURL(join(dir, 'ok.json')).href);
    expect(ok.body.toString()).toContain('"items"');
    await expect(fetcher.fetch(pathToFileURL(join(dir, 'big.json')).href)).rejects.toThrow(/larger than the limit/);
    await expect(fetcher.fetch(pathToFileURL(join(dir, 'missing.json')).href)).rejects.toThrow(/cannot read the file \(ENOENT\)/);
  });
});
