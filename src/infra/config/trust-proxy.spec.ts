import Fastify from 'fastify';
import { fastifyTrustProxy, parseTrustProxy } from './trust-proxy';

/** request.ip as Fastify derives it with the setting, for a request from `peer` with X-Forwarded-For `xff`. */
async function clientIp(setting: string, peer: string, xff?: string): Promise<string> {
  const app = Fastify({ trustProxy: fastifyTrustProxy(parseTrustProxy(setting)!) });
  app.get('/', (request) => ({ ip: request.ip }));
  const res = await app.inject({ method: 'GET', url: '/', remoteAddress: peer, headers: xff ? { 'x-forwarded-for': xff } : {} });
  await app.close();
  return (res.json() as { ip: string }).ip;
}

describe('PATCHGATE_TRUST_PROXY', () => {
  it('parses false, hop counts (true: one) and lists of addresses or CIDRs; refuses anything else', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1, loopback')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'loopback']);
    for (const bad of ['sometimes', '11', '10.0.0.0/33', '10.0.0.0/8/1', 'example.com', ',', 'x'.repeat(5000)]) expect(parseTrustProxy(bad)).toBeUndefined();
  });

  it('without a proxy, ignores X-Forwarded-For', async () => {
    expect(await clientIp('false', '203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
  });

  it('one hop: the address the proxy saw, never an entry the client wrote before it', async () => {
    expect(await clientIp('true', '127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    // The client sent "X-Forwarded-For: 6.6.6.6"; nginx's $proxy_add_x_forwarded_for appended its peer.
    expect(await clientIp('1', '127.0.0.1', '6.6.6.6, 198.51.100.1')).toBe('198.51.100.1');
    expect(await clientIp('2', '127.0.0.1', '6.6.6.6, 198.51.100.1, 10.0.0.2')).toBe('198.51.100.1');
  });

  it('trusted CIDRs: the rightmost address not of a trusted proxy; a peer outside them is the client', async () => {
    expect(await clientIp('127.0.0.0/8, 10.0.0.0/8', '127.0.0.1', '6.6.6.6, 198.51.100.1, 10.0.0.2')).toBe('198.51.100.1');
    expect(await clientIp('127.0.0.0/8', '203.0.113.7', '6.6.6.6')).toBe('203.0.113.7');
  });
});
