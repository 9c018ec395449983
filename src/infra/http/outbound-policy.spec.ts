import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PageFetcher, UpstreamError } from '../../modules/catalog/sync/page-fetcher';
import { isInternalAddress, OutboundPolicy, OutboundRefusedError } from './outbound-policy';

/** Issue 18 item 11: file:// only under the configured roots, no internal addresses unless allowed. */
describe(OutboundPolicy.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-'));
  const root = join(dir, 'feeds');
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    mkdirSync(root);
    writeFileSync(join(root, 'index.json'), '{"items":[],"nextCursor":null}');
    writeFileSync(join(dir, 'secret.json'), '{"secret":true}');
    symlinkSync(join(dir, 'secret.json'), join(root, 'link.json'));
    server = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '::1', '::', 'fe80::1', 'fd00::1', 'fc12::5', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '[::1]', 'not-an-address',
  ])('counts %s as internal', (address) => expect(isInternalAddress(address)).toBe(true));

  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:db8::1', '2a00:1450::1', '::ffff:8.8.8.8'])('counts %s as public', (address) =>
    expect(isInternalAddress(address)).toBe(false));

  it('refuses every file:// URL when no root is set', () => {
    const policy = new OutboundPolicy({ fileRoots: [], allowPrivate: false });
    expect(() => policy.check(pathToFileURL(join(root, 'index.json')))).toThrow('file:// URLs are refused (PATCHGATE_FILE_URL_ROOT is not set)');
  });

  it('allows file:// under a root only, also through .. and symbolic links', () => {
    const policy = new OutboundPolicy({ fileRoots: [root], allowPrivate: false });
    expect(() => policy.check(pathToFileURL(join(root, 'index.json')))).not.toThrow();
    for (const outside of [join(dir, 'secret.json'), '/etc/passwd', join(root, 'link.json'), `${root}-sibling/index.json`]) {
      expect(() => policy.check(pathToFileURL(outside))).toThrow(OutboundRefusedError);
    }
    expect(() => policy.check(new URL(`file://${root}/../secret.json`))).toThrow('file:// URL is outside PATCHGATE_FILE_URL_ROOT: refused');
  });

  it('refuses literal internal addresses and names that resolve to one, without connecting; allows them when asked', async () => {
    const strict = new PageFetcher({ timeoutMs: 2000, attempts: 1, retryDelayMs: 0, maxBytes: 1024, policy: new OutboundPolicy({ fileRoots: [], allowPrivate: false }) });
    hits = 0;
    for (const url of [`http://127.0.0.1:${port}/index.json`, `http://[::ffff:127.0.0.1]:${port}/index.json`]) {
      const error = await strict.fetch(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as Error).message).toMatch(/is a loopback, link-local or private address: refused \(PATCHGATE_ALLOW_PRIVATE_UPSTREAMS\)$/);
    }
    const byName = await strict.fetch(`http://localhost:${port}/index.json`).catch((e: unknown) => e);
    expect(byName).toBeInstanceOf(UpstreamError);
    expect((byName as UpstreamError).transient).toBe(false);
    expect((byName as Error).message).toBe(`GET http://localhost:${port}/index.json: localhost resolves to a loopback, link-local or private address: refused (PATCHGATE_ALLOW_PRIVATE_UPSTREAMS)`);
    const file = await strict.fetch(pathToFileURL(join(root, 'index.json')).href).catch((e: unknown) => e);
    expect((file as Error).message).toBe('file:// URL: file:// URLs are refused (PATCHGATE_FILE_URL_ROOT is not set)');
    expect(hits).toBe(0);

    const allowed = new PageFetcher({ timeoutMs: 2000, attempts: 1, retryDelayMs: 0, maxBytes: 1024, policy: new OutboundPolicy({ fileRoots: [root], allowPrivate: true }) });
    await expect(allowed.fetch(`http://localhost:${port}/index.json`)).resolves.toMatchObject({ body: Buffer.from('{}') });
    await expect(allowed.fetch(pathToFileURL(join(root, 'index.json')).href)).resolves.toMatchObject({ body: Buffer.from('{"items":[],"nextCursor":null}') });
    expect(hits).toBe(1);
  });
});
