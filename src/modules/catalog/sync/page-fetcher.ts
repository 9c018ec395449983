import { open } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { fileURLToPath } from 'node:url';
import { outboundRefusal, OutboundPolicy, OutboundRefusedError } from '../../../infra/http/outbound-policy';

export interface PageFetcherOptions {
  /** Time limit of one request, from sending it to the last byte of the body. */
  timeoutMs: number;
  /** Tries per page, the first included, when the failure is transient (5xx, 429, timeout, reset). */
  attempts: number;
  /** Wait before the first retry; doubles for each further one. */
  retryDelayMs: number;
  /** Largest page accepted; reading stops as soon as a body is known to be larger. */
  maxBytes: number;
  /** Which URLs may be fetched at all (file roots, private addresses): src/infra/http/outbound-policy.ts. */
  policy: OutboundPolicy;
}

export interface FetchedPage {
  /** Where the page was read from after redirects: relative references resolve against it. */
  url: string;
  body: Buffer;
  /** A conditional request was answered 304: `body` is empty. */
  notModified?: boolean;
  etag?: string | null;
  lastModified?: string | null;
}

export interface FetchRequest {
  token?: string | null;
  signal?: AbortSignal;
  /** Overrides the fetcher's `maxBytes` for this request (e.g. the size a signed index declares). */
  maxBytes?: number;
  /** Names the limit in the error of a body over it. */
  limitName?: string;
  accept?: string;
  /** Conditional GET: a 304 answer is returned as `notModified`. */
  ifNoneMatch?: string | null;
  ifModifiedSince?: string | null;
}

/** The upstream could not deliver a page. The message names the URL and says why. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    /** Worth trying again: 5xx, 429, a timeout, a connection reset. */
    readonly transient: boolean,
    readonly answer: {
      /** The HTTP status, when the upstream answered. */
      status?: number;
      /** The upstream's Retry-After, in ms, when it sent a usable one. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** The caller aborted the fetch (the worker is shutting down): not a failure of the upstream. */
export class FetchAbortedError extends Error {
  constructor() {
    super('page fetch aborted');
    this.name = 'FetchAbortedError';
  }
}

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);
/** The longest Retry-After we honour; a longer one is treated as the normal backoff. */
const MAX_RETRY_AFTER_MS = 30_000;
/** Redirects followed per request, each on the requested URL's origin. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new FetchAbortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new FetchAbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Reads upstream pages over http(s):// or file://. A body is streamed and counted, never held
 * beyond `maxBytes`; transient failures are retried a few times with a growing delay, inside one
 * fetch, so a flaky mirror does not fail a long sync.
 */
export class PageFetcher {
  constructor(private readonly options: PageFetcherOptions) {}

  async fetch(url: string, request: FetchRequest = {}): Promise<FetchedPage> {
    const target = new URL(url);
    try {
      this.options.policy.check(target);
    } catch (error) {
      if (error instanceof OutboundRefusedError) throw new UpstreamError(`${target.protocol === 'file:' ? 'file:// URL' : url}: ${error.message}`, false);
      throw error;
    }
    if (target.protocol === 'file:') return this.readFile(target, request);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new UpstreamError(`${url}: unsupported scheme ${target.protocol}`, false);
    }
    let delay = this.options.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetchOnce(target, request);
      } catch (error) {
        if (!(error instanceof UpstreamError) || !error.transient || attempt >= this.options.attempts) {
          if (error instanceof UpstreamError && error.transient && attempt > 1) {
            throw new UpstreamError(`${error.message} (after ${attempt} attempts)`, true, error.answer);
          }
          throw error;
        }
        await sleep(Math.max(delay, error.answer.retryAfterMs ?? 0), request.signal);
        delay *= 2;
      }
    }
  }

  private async fetchOnce(url: URL, request: FetchRequest): Promise<FetchedPage> {
    const outer = request.signal;
    if (outer?.aborted) throw new FetchAbortedError();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
    const headers: Record<string, string> = { accept: request.accept ?? 'application/json' };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    if (request.ifNoneMatch) headers['if-none-match'] = request.ifNoneMatch;
    if (request.ifModifiedSince) headers['if-modified-since'] = request.ifModifiedSince;
    const maxBytes = request.maxBytes ?? this.options.maxBytes;
    try {
      const response = await this.followSameOrigin(url, headers, signal);
      const validators = { etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
      if (response.status === 304 && (request.ifNoneMatch || request.ifModifiedSince)) {
        await response.body?.cancel().catch(() => undefined);
        return { url: response.url || url.href, body: Buffer.alloc(0), notModified: true, ...validators };
      }
      if (response.status !== 200) {
        // Status and a fixed reason only: what the upstream wrote in its body or status line never
        // reaches the sync log, so an admin-set URL cannot be used to read internal answers.
        await response.body?.cancel().catch(() => undefined);
        const transient = response.status >= 500 || response.status === 429;
        const reason = STATUS_CODES[response.status];
        throw new UpstreamError(
          `GET ${url.href}: HTTP ${response.status}${reason ? ` ${reason}` : ''}`,
          transient,
          { status: response.status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) },
        );
      }
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw this.tooLarge(url.href, maxBytes, request.limitName);
      }
      const body = await this.readCapped(response.body, url.href, maxBytes, request.limitName, Number.isFinite(declared) ? declared : null);
      return { url: response.url || url.href, body, ...validators };
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      if (outer?.aborted) throw new FetchAbortedError();
      if (timeout.signal.aborted) throw new UpstreamError(`GET ${url.href}: no complete answer within ${this.options.timeoutMs} ms (timed out)`, true);
      const refused = outboundRefusal(error);
      if (refused) throw new UpstreamError(`GET ${url.href}: ${refused}`, false);
      const code = networkErrorCode(error);
      throw new UpstreamError(`GET ${url.href}: ${describeNetworkError(error)}`, code !== undefined && TRANSIENT_NETWORK_CODES.has(code));
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Follows redirects by hand, only on the requested URL's origin (scheme, host and port): the
   * token and the conditional headers never reach another host, and an upstream cannot send the
   * server to an address of its choosing.
   */
  private async followSameOrigin(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const init: RequestInit & { dispatcher?: unknown } = { headers, signal, redirect: 'manual', dispatcher: this.options.policy.dispatcher };
      const response = await fetch(current, init);
      if (!REDIRECT_STATUSES.has(response.status)) {
        return response;
      }
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      let next: URL | null;
      try {
        next = location ? new URL(location.slice(0, 4096), current) : null;
      } catch {
        next = null;
      }
      if (!next) throw new UpstreamError(`GET ${url.href}: HTTP ${response.status} redirect without a usable Location`, false, { status: response.status });
      if (next.origin !== url.origin) {
        throw new UpstreamError(`GET ${url.href}: redirected to another origin (${next.origin}): refused`, false, { status: response.status });
      }
      if (hop + 1 > MAX_REDIRECTS) throw new UpstreamError(`GET ${url.href}: more than ${MAX_REDIRECTS} redirects`, false, { status: response.status });
      current = next;
    }
  }

  private async readCapped(stream: ReadableStream<Uint8Array> | null, url: string, maxBytes: number, limitName?: string, declared: number | null = null): Promise<Buffer> {
    if (!stream) return Buffer.alloc(0);
    const reader = stream.getReader();
    // A declared length (already checked against the cap) is filled in place: a large index is held once, not twice.
    const target = declared !== null && declared > 1024 * 1024 ? Buffer.allocUnsafe(declared) : null;
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.byteLength > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw this.tooLarge(url, maxBytes, limitName);
      }
      if (target && total + value.byteLength <= target.length) target.set(value, total);
      else chunks.push(value);
      total += value.byteLength;
    }
    if (target && chunks.length === 0) return total === target.length ? target : target.subarray(0, total);
    if (target) return Buffer.concat([target.subarray(0, total - chunks.reduce((n, c) => n + c.byteLength, 0)), ...chunks], total);
    return Buffer.concat(chunks, total);
  }

  private async readFile(url: URL, request: FetchRequest): Promise<FetchedPage> {
    const maxBytes = request.maxBytes ?? this.options.maxBytes;
    let handle;
    try {
      handle = await open(fileURLToPath(url), 'r');
    } catch (error) {
      throw new UpstreamError(`${url.href}: cannot read the file (${networkErrorCode(error) ?? (error as Error).message})`, false);
    }
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) throw this.tooLarge(url.href, maxBytes, request.limitName);
      // Read at most one byte past the cap, in case the file grew after the stat.
      const buffer = Buffer.alloc(Math.min(size, maxBytes) + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled > maxBytes) throw this.tooLarge(url.href, maxBytes, request.limitName);
        if (filled === buffer.length) break;
      }
      return { url: url.href, body: buffer.subarray(0, filled) };
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw new UpstreamError(`${url.href}: cannot read the file (${networkErrorCode(error) ?? (error as Error).message})`, false);
    } finally {
      await handle.close();
    }
  }

  private tooLarge(url: string, maxBytes: number, limitName = 'PATCHGATE_SYNC_MAX_PAGE_BYTES'): UpstreamError {
    return new UpstreamError(`${url}: page is larger than the limit of ${maxBytes} bytes (${limitName})`, false);
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header || !/^\d+$/.test(header)) return undefined;
  const ms = Number(header) * 1000;
  return ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}

function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkError(error: unknown): string {
  const code = networkErrorCode(error);
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  const message = cause ?? (error as Error).message ?? String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
