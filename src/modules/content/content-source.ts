import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { outboundRefusal, OutboundPolicy } from '../../infra/http/outbound-policy';
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

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Why the policy refused the URL or an address it resolved to (retrying cannot help), or null. */
export const policyRefusal = outboundRefusal;

/**
 * Opens an upstream file from byte `offset`: `file://` (a local feed) by seeking, `http(s)://`
 * with a Range request, both only where `policy` allows. An upstream that ignores Range answers
 * 200 with the whole file: the answer's offset is then 0 and the store starts over.
 */
export async function openContentSource(
  url: string,
  offset: number,
  signal: AbortSignal | undefined,
  policy: OutboundPolicy,
  upstream?: PatchgateUpstream | null,
): Promise<SourceStream> {
  let parsed = new URL(url);
  policy.check(parsed);
  if (parsed.protocol === 'file:') return { stream: createReadStream(fileURLToPath(parsed), { start: offset, signal }), offset };
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ContentSourceError(`unsupported URL scheme ${parsed.protocol}`);
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  const credentialed = upstream ? isUpstreamContentUrl(parsed, upstream) : false;
  if (credentialed) headers.authorization = `Bearer ${upstream!.token}`;
  let response: Response;
  // Redirects are followed by hand so that every hop is checked against the policy (a redirect
  // to a literal internal address would not go through the checked DNS look-up). With the
  // downstream token none is followed: it goes to the upstream's own origin and nowhere else.
  for (let hop = 0; ; hop++) {
    const init: RequestInit & { dispatcher?: unknown } = { redirect: 'manual', signal, headers, dispatcher: policy.dispatcher };
    response = await fetch(parsed, init);
    if (!REDIRECT_STATUSES.has(response.status)) break;
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    if (credentialed) throw new ContentSourceError(`HTTP ${response.status} from ${parsed.origin}${parsed.pathname}: the upstream's content route does not redirect`);
    if (!location || hop >= MAX_REDIRECTS) throw new ContentSourceError(`HTTP ${response.status} from ${parsed.origin}${parsed.pathname}: no usable redirect`);
    parsed = new URL(location.slice(0, 4096), parsed);
    policy.check(parsed);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ContentSourceError(`redirect to an unsupported URL scheme ${parsed.protocol}`);
  }
  const resumed = offset > 0 && response.status === 206 && response.headers.get('content-range')?.startsWith(`bytes ${offset}-`);
  if (!response.ok || (response.status === 206 && !resumed) || !response.body) {
    await response.body?.cancel();
    throw new ContentSourceError(`HTTP ${response.status} from ${parsed.origin}${parsed.pathname}`);
  }
  return { stream: Readable.fromWeb(response.body as ReadableStream<Uint8Array>), offset: resumed ? offset : 0 };
}
