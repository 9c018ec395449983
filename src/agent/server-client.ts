import { Registration } from './agent-state';

export interface RegisterRequest {
  enrollmentKey: string;
  hostname: string;
  os: { family: string; version: string };
  arch: string;
  agentVersion: string;
  requestedGroup?: string;
}

export interface RegisterResponse {
  computerId: string;
  token: string;
  serverPublicKey: Registration['serverPublicKey'];
  checkInSeconds: number;
}

export interface CheckInRequest {
  nonce: string;
  installed: { updateId: string; revision: number }[];
  inventory?: {
    hostname?: string;
    os?: { family: string; version: string };
    arch?: string;
    agentVersion?: string;
    /** dpkg's installed binary packages (apt machines), sent only when they changed */
    packages?: { name: string; version: string; arch: string }[];
  };
}

/** A check-in answer as received: the body is kept as the exact bytes, since the signature covers those. */
export type CheckInResponse =
  | { status: 304; etag: string | null }
  | { status: 200; etag: string | null; body: Buffer; signature: string | null; keyId: string | null };

export interface StatusEvent {
  updateId: string;
  revision: number;
  state: 'downloaded' | 'installed' | 'installed_pending_reboot' | 'failed' | 'not_applicable' | 'uninstalled';
  errorCode?: string;
  message?: string;
  occurredAt: string;
  seq: number;
}

export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}${detail ? ` ${detail.slice(0, 500)}` : ''}`);
  }
}

const TIMEOUT_MS = 30_000;

/** The /client/v1 calls, over fetch. */
export class ServerClient {
  private readonly base: string;

  constructor(server: string, private readonly token?: string) {
    this.base = server.replace(/\/+$/, '');
  }

  async register(request: RegisterRequest): Promise<RegisterResponse> {
    const res = await this.post('/client/v1/register', request, {});
    const text = await res.text();
    if (res.status !== 201 && res.status !== 200) throw new ServerError(res.status, text, 'registration refused');
    return JSON.parse(text) as RegisterResponse;
  }

  async checkIn(request: CheckInRequest, ifNoneMatch: string | null): Promise<CheckInResponse> {
    const res = await this.post('/client/v1/checkin', request, ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {});
    const etag = res.headers.get('etag');
    if (res.status === 304) {
      await res.arrayBuffer();
      return { status: 304, etag };
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new ServerError(res.status, body.toString('utf8'), 'check-in failed');
    return { status: 200, etag, body, signature: res.headers.get('x-patchgate-signature'), keyId: res.headers.get('x-patchgate-key-id') };
  }

  /** The server's published keys (GET /client/v1/keys). */
  async publishedKeys(): Promise<{ id: string; alg: string; publicKey: string }[]> {
    const res = await fetch(`${this.base}/client/v1/keys`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    if (res.status !== 200) throw new ServerError(res.status, text, 'reading the server keys failed');
    return (JSON.parse(text) as { keys: { id: string; alg: string; publicKey: string }[] }).keys;
  }

  async reportStatus(events: StatusEvent[]): Promise<number> {
    const res = await this.post('/client/v1/status', { events }, {});
    const text = await res.text();
    if (res.status !== 202) throw new ServerError(res.status, text, 'status report refused');
    return (JSON.parse(text) as { accepted: number }).accepted;
  }

  private post(path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  }
}
