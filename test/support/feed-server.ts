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
  | { reset: true };

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
    if (answer) return this.answer(res, answer);
    const body = this.pages.get(path) ?? (await this.fromDirectory(path));
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
  }

  private answer(res: ServerResponse, answer: FeedAnswer): void {
    if ('hang' in answer) {
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
