import { isIP } from 'node:net';

/**
 * What PATCHGATE_TRUST_PROXY may say, as Fastify's `trustProxy` takes it:
 * - `false` (default): no proxy; the client IP is the socket's peer, X-Forwarded-For is ignored.
 * - a hop count `1`..`10` (`true` means 1): that many proxies in front; the client IP is the entry
 *   of X-Forwarded-For that the outermost of them added — never one a client can choose.
 * - a comma-separated list of proxy addresses or CIDRs (and proxy-addr's names `loopback`,
 *   `linklocal`, `uniquelocal`): the client IP is the rightmost entry not from a trusted proxy.
 * Fastify's `true` (the leftmost entry, which the client writes) is deliberately not offered.
 */
export type TrustProxy = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_HOPS = 10;

function isAddressOrCidr(entry: string): boolean {
  if (NAMED.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The setting, or undefined when it is not one of the forms above. */
export function parseTrustProxy(raw: string | undefined): TrustProxy | undefined {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'false' || value === '0' || value === 'no') return false;
  if (value === 'true' || value === 'yes') return 1;
  if (/^\d{1,2}$/.test(value)) return Number(value) <= MAX_HOPS ? Number(value) : undefined;
  if (value.length > 2000) return undefined;
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  return entries.length && entries.every(isAddressOrCidr) ? entries : undefined;
}

/**
 * The setting as Fastify takes it. Fastify trusts no hops for a bare number (since 5.x it cannot
 * check the peer), so a hop count becomes proxy-addr's trust function: the socket's peer (hop 0)
 * and the entries the next n-1 proxies appended are trusted; the client IP is the one before.
 */
export function fastifyTrustProxy(setting: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}
