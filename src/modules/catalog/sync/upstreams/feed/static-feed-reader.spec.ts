import { OutboundPolicy } from '../../../../../infra/http/outbound-policy';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { MalformedPageError } from '../../feed-item.validator';
import { PageFetcher } from '../../page-fetcher';
import { StaticFeedReader } from './static-feed-reader';

/** Issue 18 item 10: paging stays on the configured origin, and the token goes nowhere else. */
describe(StaticFeedReader.name, () => {
  let server: Server;
  let port: number;
  let nextCursor: string | null;
  const seen: { url: string; host: string; authorization?: string }[] = [];
  const fetcher = new PageFetcher({ timeoutMs: 2000, attempts: 1, retryDelayMs: 10, maxBytes: 1024 * 1024, policy: OutboundPolicy.permissive() });

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({ url: req.url!, host: req.headers.host!, authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [], nextCursor: req.url === '/index.json' ? nextCursor : null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    seen.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const reader = () => new StaticFeedReader({ kind: 'feed', url: `http://127.0.0.1:${port}/index.json`, token: 'upstream-secret', settings: null }, fetcher);

  it('follows a nextCursor on the configured origin, sending the token', async () => {
    nextCursor = 'page-0002.json';
    const page = await reader().read(`http://127.0.0.1:${port}/index.json`);
    expect(page.next).toBe(`http://127.0.0.1:${port}/page-0002.json`);
    await reader().read(page.next!);
    expect(seen.map((s) => [s.url, s.authorization])).toEqual([['/index.json', 'Bearer upstream-secret'], ['/page-0002.json', 'Bearer upstream-secret']]);
  });

  it.each([
    ['another host', (p: number) => `http://localhost:${p}/page-0002.json`],
    ['another port', (p: number) => `http://127.0.0.1:${p + 1}/page-0002.json`],
    ['another scheme', (p: number) => `https://127.0.0.1:${p}/page-0002.json`],
  ])('refuses a nextCursor on %s', async (_label, cursor) => {
    nextCursor = cursor(port);
    await expect(reader().read(`http://127.0.0.1:${port}/index.json`)).rejects.toThrow(MalformedPageError);
    await expect(reader().read(`http://127.0.0.1:${port}/index.json`)).rejects.toThrow(/leaves the configured origin http:\/\/127\.0\.0\.1:\d+: refused/);
  });

  it('never sends the token to a page URL off the configured origin', async () => {
    nextCursor = null;
    await reader().read(`http://localhost:${port}/index.json`);
    expect(seen).toEqual([{ url: '/index.json', host: `localhost:${port}`, authorization: undefined }]);
  });
});
