import { readFile } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/** What the server answers one request with; `undefined` from a rule: serve the page as usual. */
export type FeedAnswer =
  | { status: number; body?: string; headers?: Record<string, string> }
  /** Headers and the first bytes, then nothing more until the server closes. */
  | { stall: true; status?: number; partialBody?: string }
  /** Accept the request and never answer. */
  | { hang: true }
  /** Send the body without content-length (chunked), so only counting the bytes can limit it. */
  | { chunked: string }
  /** Close the connection without an answer. */
  | { reset: true }
  /** Start serving the file set at the path (honouring Range), then drop the connection after `bytes` bytes of body. */
  | { dropAfter: number };

export interface FeedRequest {
  path: string;
  /** How many times this path was requested, this one included. */
  count: number;
  headers: IncomingMessage['headers'];
}

/**
 * A loopback HTTP upstream for the tests: serves pages from memory or from a directory, and lets a
 * test make any request fail in any way (status, hang, stall, reset, oversized chunked body).
 */
export class FeedServer {
  requests: FeedRequest[] = [];
  private readonly pages = new Map<string, string>();
  private readonly files = new Map<string, { bytes: Buffer; ranges: boolean }>();
  private readonly open = new Set<ServerResponse>();
  private counts = new Map<string, number>();
  private rule: ((request: FeedRequest) => FeedAnswer | undefined) | null = null;
  private directory: string | null = null;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<FeedServer> {
    let instance: FeedServer | null = null;
    const server = createServer((req, res) => void instance!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new FeedServer(server, `http://127.0.0.1:${port}`);
    return instance;
  }

  url(path: string): string {
    return `${this.baseUrl}/${path.replace(/^\//, '')}`;
  }

  /** Serves `body` (JSON text, or an object to stringify) at `path`. */
  setPage(path: string, body: string | object): void {
    this.pages.set(`/${path.replace(/^\//, '')}`, typeof body === 'string' ? body : JSON.stringify(body));
  }

  /**
   * Serves `bytes` at `path` as a download: with Range support (206, Content-Range) unless
   * `ranges` is false, when a Range header is ignored and the whole file comes with 200.
   */
  setFile(path: string, bytes: Buffer, options: { ranges?: boolean } = {}): void {
    this.files.set(`/${path.replace(/^\//, '')}`, { bytes, ranges: options.ranges ?? true });
  }

  /** How many times each path was requested since the last answerWith(). */
  countFor(path: string): number {
    return this.requestsFor(path).length;
  }

  /** Serves the files of `directory` for paths not set with setPage. */
  serveDirectory(directory: string): void {
    this.directory = directory;
  }

  /** Decides the answers from now on; null: serve everything normally. The request log and counts restart. */
  answerWith(rule: ((request: FeedRequest) => FeedAnswer | undefined) | null): void {
    this.rule = rule;
    this.counts = new Map();
    this.requests = [];
  }

  requestsFor(path: string): FeedRequest[] {
    const wanted = `/${path.replace(/^\//, '')}`;
    return this.requests.filter((r) => r.path === wanted);
  }

  /** Ends every stalled or hanging answer. */
  releaseAll(): void {
    for (const res of this.open) res.destroy();
    this.open.clear();
  }

  async close(): Promise<void> {
    this.releaseAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.baseUrl).pathname;
    const count = (this.counts.get(path) ?? 0) + 1;
    this.counts.set(path, count);
    const request = { path, count, headers: req.headers };
    this.requests.push(request);
    const answer = this.rule?.(request);
    const file = this.files.get(path);
    if (file && (!answer || 'dropAfter' in answer)) return this.serveFile(req, res, file, answer && 'dropAfter' in answer ? answer.dropAfter : null);
    if (answer) return this.answer(res, answer);
    const body = this.pages.get(path) ?? (await this.fromDirectory(path));
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
  }

  private serveFile(req: IncomingMessage, res: ServerResponse, file: { bytes: Buffer; ranges: boolean }, dropAfter: number | null): void {
    const match = file.ranges ? /^bytes=(\d+)-$/.exec(req.headers.range ?? '') : null;
    const start = match ? Number(match[1]) : 0;
    const body = file.bytes.subarray(start);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(body.length), 'accept-ranges': file.ranges ? 'bytes' : 'none' };
    if (match) headers['content-range'] = `bytes ${start}-${file.bytes.length - 1}/${file.bytes.length}`;
    res.writeHead(match ? 206 : 200, headers);
    if (dropAfter === null) {
      res.end(body);
      return;
    }
    // Half an answer, then the connection dies: the client sees a premature end of the body.
    res.write(body.subarray(0, dropAfter), () => setImmediate(() => res.socket?.destroy()));
  }

  private answer(res: ServerResponse, answer: FeedAnswer): void {
    if ('dropAfter' in answer) {
      res.socket?.destroy();
    } else if ('hang' in answer) {
      this.open.add(res);
    } else if ('stall' in answer) {
      this.open.add(res);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.write(answer.partialBody ?? '{"items": [');
    } else if ('reset' in answer) {
      res.socket?.destroy();
    } else if ('chunked' in answer) {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      const chunk = 16 * 1024;
      for (let i = 0; i < answer.chunked.length; i += chunk) res.write(answer.chunked.slice(i, i + chunk));
      res.end();
    } else {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '');
    }
  }

  private async fromDirectory(path: string): Promise<string | undefined> {
    if (!this.directory) return undefined;
    const relative = normalize(decodeURIComponent(path)).replace(/^(\.\.[/\\])+/, '');
    try {
      return await readFile(join(this.directory, relative), 'utf8');
    } catch {
      return undefined;
    }
  }
}
