import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { SourceStream } from './storage/content-storage';

/** The upstream answered in a way that is worth retrying later (HTTP error, refused connection). */
export class ContentSourceError extends Error {}

/** A Patchgate upstream (sync kind `patchgate`) and the downstream token this server presents there. */
export interface PatchgateUpstream {
  url: string;
  token: string;
}

/**
 * A file the Patchgate upstream serves itself (its /upstream/v1/catalog points a downstream at
 * `<its origin>/content/v1/files/<sha256>`): fetched with the downstream token, which is sent to
 * that origin's content route only.
 */
export function isUpstreamContentUrl(url: URL, upstream: PatchgateUpstream): boolean {
  let origin: string;
  try {
    origin = new URL(upstream.url).origin;
  } catch {
    return false;
  }
  return url.origin === origin && /^\/content\/v1\/files\/[0-9a-f]{64}$/.test(url.pathname);
}

/**
 * Opens an upstream file from byte `offset`: `file://` (a local feed) by seeking, `http(s)://`
 * with a Range request. An upstream that ignores Range answers 200 with the whole file: the
 * answer's offset is then 0 and the store starts over.
 */
export async function openContentSource(url: string, offset: number, signal?: AbortSignal, upstream?: PatchgateUpstream | null): Promise<SourceStream> {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') return { stream: createReadStream(fileURLToPath(parsed), { start: offset, signal }), offset };
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ContentSourceError(`unsupported URL scheme ${parsed.protocol}`);
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  const credentialed = upstream ? isUpstreamContentUrl(parsed, upstream) : false;
  if (credentialed) headers.authorization = `Bearer ${upstream!.token}`;
  // With the token: no redirect, so it goes to the upstream's own origin and nowhere else.
  const response = await fetch(parsed, { redirect: credentialed ? 'error' : 'follow', signal, headers });
  const resumed = offset > 0 && response.status === 206 && response.headers.get('content-range')?.startsWith(`bytes ${offset}-`);
  if (!response.ok || (response.status === 206 && !resumed) || !response.body) {
    await response.body?.cancel();
    throw new ContentSourceError(`HTTP ${response.status} from ${parsed.origin}${parsed.pathname}`);
  }
  return { stream: Readable.fromWeb(response.body as ReadableStream<Uint8Array>), offset: resumed ? offset : 0 };
}
