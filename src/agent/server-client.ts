import type { CheckInRequest, RegisterRequest, RegisterResponse, StatusEvent, StatusReport, StatusReportAnswer } from '../contracts/client-protocol';
import { KEY_ID_HEADER, SIGNATURE_HEADER } from '../contracts/client-protocol';

export type { CheckInRequest, RegisterRequest, RegisterResponse, StatusEvent } from '../contracts/client-protocol';

/** A check-in answer as received: the body is kept as the exact bytes, since the signature covers those. */
export type CheckInResponse =
  | { status: 304; etag: string | null }
  | { status: 200; etag: string | null; body: Buffer; signature: string | null; keyId: string | null };

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
    return { status: 200, etag, body, signature: res.headers.get(SIGNATURE_HEADER), keyId: res.headers.get(KEY_ID_HEADER) };
  }

  /** The server's published keys (GET /client/v1/keys). */
  async publishedKeys(): Promise<{ id: string; alg: string; publicKey: string }[]> {
    const res = await fetch(`${this.base}/client/v1/keys`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    if (res.status !== 200) throw new ServerError(res.status, text, 'reading the server keys failed');
    return (JSON.parse(text) as { keys: { id: string; alg: string; publicKey: string }[] }).keys;
  }

  /** `rejected`: events the server did not accept (their update is not in its catalog); sending them again would not help. */
  async reportStatus(events: StatusEvent[]): Promise<StatusReportAnswer> {
    const report: StatusReport = { events };
    const res = await this.post('/client/v1/status', report, {});
    const text = await res.text();
    if (res.status !== 202) throw new ServerError(res.status, text, 'status report refused');
    const answer = JSON.parse(text) as StatusReportAnswer;
    return { accepted: answer.accepted, rejected: answer.rejected ?? [] };
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
