import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { OutboundPolicy } from '../../infra/http/outbound-policy';
import { isUpstreamContentUrl, openContentSource, policyRefusal } from './content-source';

/** Issue 18 item 11: content downloads obey the outbound policy, on every redirect hop too. */
describe(openContentSource.name, () => {
  let server: Server;
  let port: number;
  const strict = new OutboundPolicy({ fileRoots: [], allowPrivate: false });

  beforeAll(async () => {
    server = createServer((req, res) => (req.url === '/redirect' ? res.writeHead(302, { location: `http://127.0.0.1:${port}/file` }).end() : res.end('bytes')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['a literal loopback address', () => `http://127.0.0.1:${port}/file`, /127\.0\.0\.1:\d+ is a loopback, link-local or private address: refused/],
    ['a name resolving to loopback', () => `http://localhost:${port}/file`, /^localhost resolves to a loopback, link-local or private address: refused/],
    ['a file:// URL with no root set', () => 'file:///etc/passwd', /^file:\/\/ URLs are refused \(PATCHGATE_FILE_URL_ROOT is not set\)$/],
  ])('refuses %s, as final', async (_label, url, reason) => {
    const error = await openContentSource(url(), 0, undefined, strict).catch((e: unknown) => e);
    expect(policyRefusal(error)).toMatch(reason);
  });

  it('checks the target of a redirect, and reads when private addresses are allowed', async () => {
    const allowed = OutboundPolicy.permissive();
    const source = await openContentSource(`http://127.0.0.1:${port}/redirect`, 0, undefined, allowed);
    const chunks: Buffer[] = [];
    for await (const chunk of source.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('bytes');
  });
});

describe('isUpstreamContentUrl', () => {
  const upstream = { url: 'https://hq.example.com/upstream/v1/catalog', token: 'pgd_x' };
  const sha = 'a'.repeat(64);

  it('is true only for the upstream origin\'s content route, so the token goes nowhere else', () => {
    expect(isUpstreamContentUrl(new URL(`https://hq.example.com/content/v1/files/${sha}`), upstream)).toBe(true);
    for (const url of [
      `http://hq.example.com/content/v1/files/${sha}`,
      `https://hq.example.com:8443/content/v1/files/${sha}`,
      `https://evil.example.com/content/v1/files/${sha}`,
      `https://hq.example.com.evil.example/content/v1/files/${sha}`,
      'https://hq.example.com/content/v1/files/not-a-hash',
      `https://hq.example.com/upstream/v1/catalog`,
      `https://downloads.vendor.example/${sha}.msu`,
    ]) {
      expect({ url, credentialed: isUpstreamContentUrl(new URL(url), upstream) }).toEqual({ url, credentialed: false });
    }
    expect(isUpstreamContentUrl(new URL(`https://hq.example.com/content/v1/files/${sha}`), { url: 'not a url', token: 'pgd_x' })).toBe(false);
  });
});
