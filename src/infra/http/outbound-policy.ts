import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { realpathSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, Dispatcher } from 'undici';

/** An outbound URL the policy refuses (docs/security.md, "Outbound requests"). */
export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

/** Loopback, link-local, private, shared (CGNAT) and unspecified ranges: not for upstreams by default. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16],
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** True for an address an upstream must not be reached at unless allowed; anything that is not an address counts as internal. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return INTERNAL.check(bare, 'ipv4');
  if (family !== 6) return true;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d, or its hex form ::ffff:xxxx:yyyy) is checked as the IPv4 address.
  const dotted = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (dotted) return INTERNAL.check(dotted[1], 'ipv4');
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (hex) {
    const n = (parseInt(hex[1], 16) << 16) | parseInt(hex[2], 16);
    return INTERNAL.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), 'ipv4');
  }
  return INTERNAL.check(bare, 'ipv6');
}

export interface OutboundPolicyOptions {
  /** Directories file:// URLs may read under; empty: file:// is refused. */
  fileRoots: string[];
  /** http(s) to loopback, link-local and private addresses allowed (PATCHGATE_ALLOW_PRIVATE_UPSTREAMS). */
  allowPrivate: boolean;
}

const canonical = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/**
 * Where the server may fetch from on an admin's or an upstream's say (feed, patchgate and apt
 * upstreams, content downloads): file:// only under the configured roots, http(s) only to public
 * addresses unless private ones are allowed. Host names are resolved once, every address is
 * checked, and the connection goes to a checked address (the dispatcher's lookup), so DNS cannot
 * answer one thing to the check and another to the connection.
 */
export class OutboundPolicy {
  private readonly roots: string[];
  /** Undefined when private addresses are allowed: the default dispatcher is then used. */
  readonly dispatcher: Dispatcher | undefined;

  constructor(readonly options: OutboundPolicyOptions) {
    this.roots = options.fileRoots.map(canonical);
    this.dispatcher = options.allowPrivate ? undefined : new Agent({ connect: { lookup: checkedLookup } });
  }

  /** Allows everything: for unit tests of fetching code that are not about this policy. */
  static permissive(): OutboundPolicy {
    return new OutboundPolicy({ fileRoots: ['/'], allowPrivate: true });
  }

  /** Throws OutboundRefusedError unless `url` may be fetched (a host name is checked at connect time). */
  check(url: URL): void {
    if (url.protocol === 'file:') return this.checkFile(url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundRefusedError(`${url.protocol} URLs are not fetched`);
    if (this.options.allowPrivate) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && isInternalAddress(host)) {
      throw new OutboundRefusedError(`${url.host} is a loopback, link-local or private address: refused (PATCHGATE_ALLOW_PRIVATE_UPSTREAMS)`);
    }
  }

  private checkFile(url: URL): void {
    if (!this.roots.length) throw new OutboundRefusedError('file:// URLs are refused (PATCHGATE_FILE_URL_ROOT is not set)');
    let path: string;
    try {
      path = canonical(fileURLToPath(url));
    } catch {
      throw new OutboundRefusedError('file:// URL is not a local path');
    }
    if (!this.roots.some((root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep))) {
      throw new OutboundRefusedError('file:// URL is outside PATCHGATE_FILE_URL_ROOT: refused');
    }
  }
}

const REFUSED_CODE = 'EPATCHGATE_REFUSED';

/**
 * Why the policy refused a URL or an address its host resolved to, found anywhere in an error's
 * cause chain (fetch wraps connection errors; some layers keep only the code and the text), or null.
 */
export function outboundRefusal(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 6; current = (current as { cause?: unknown }).cause, depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (current instanceof OutboundRefusedError || code === REFUSED_CODE) return String(message);
    // Copied across a realm boundary (a test sandbox), only the text survives: `name: message`.
    if (typeof message === 'string' && message.startsWith('OutboundRefusedError: ')) return message.slice('OutboundRefusedError: '.length);
  }
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that answers only when every address of the name is public. */
function checkedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
  dnsLookup(hostname, { all: true, family }, (error, addresses) => {
    if (error) return callback(error, '');
    const internal = addresses.find((a) => isInternalAddress(a.address));
    if (internal || !addresses.length) {
      const refused = Object.assign(
        new OutboundRefusedError(`${hostname} resolves to a loopback, link-local or private address: refused (PATCHGATE_ALLOW_PRIVATE_UPSTREAMS)`),
        { code: REFUSED_CODE },
      );
      return callback(refused, '');
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
