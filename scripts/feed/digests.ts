import { createHash } from 'node:crypto';

export function sha256Hex(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Stand-in digest for a file that does not exist: the sha256 of a seed string. */
export function fakeSha256(seed: string): string {
  return sha256Hex(`patchgate-fake-content:${seed}`);
}

/** 40 hex digits, as in the `_<sha1>` suffix of Microsoft Update Catalog file names. */
export function fakeSha1(seed: string): string {
  return createHash('sha1').update(`patchgate-fake-name:${seed}`).digest('hex');
}

/** Namespace for the sample feed's name-based uuids. */
export const SAMPLE_FEED_NAMESPACE = '6f1c2b9e-3d4a-4c57-9e0b-8a1d5f3e7c21';

/**
 * Name-based (version 5, RFC 9562) uuid: the same name always gives the same id, so an
 * update keeps its id when the sample feed is edited and rebuilt.
 */
export function nameBasedUuid(name: string, namespace: string = SAMPLE_FEED_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
