import { randomUUID } from 'node:crypto';
import { KEY_ID_HEADER, SIGNATURE_HEADER } from '../../src/contracts/client-protocol';
import { setRouteShortcut } from '../../src/infra/http/http-server';
import { CHECK_IN_SHORTCUT, CheckInController } from '../../src/modules/check-in/check-in.controller';
import { registerComputer, RegisteredComputer } from '../factories/computers.factory';
import { HttpResponse, RequestOptions } from '../support/http-client';
import { sample, scrapeMetrics } from '../support/prometheus';
import { startTestApp, TestApp } from '../support/test-app';

/** Per computer and minute: enough for every test here but the one that floods on purpose. */
const COMPUTER_LIMIT = 12;

/**
 * POST /client/v1/checkin is served by a shortcut past Nest's router (check-in.controller.ts,
 * setRouteShortcut in http-server.ts). Each request here is sent twice, once with the shortcut
 * registered and once with it removed (Nest's handler alone, as before the shortcut existed): the
 * answers must be the same, and patchgate_check_in_requests_total says whether the shortcut served
 * a request or left it to Nest's router.
 */
describe('check-in shortcut: the same answers without Nest’s router', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE: String(COMPUTER_LIMIT) } });
    admin = await app.login();
  }, 120_000);
  afterAll(() => app.close());

  const handled = async () => {
    const text = await scrapeMetrics(app.http.baseUrl);
    return {
      shortcut: sample(text, 'patchgate_check_in_requests_total', { handler: 'shortcut' }),
      router: sample(text, 'patchgate_check_in_requests_total', { handler: 'router' }),
    };
  };
  const checkIn = (options: RequestOptions) => app.http.request('POST', '/client/v1/checkin', { body: {}, ...options });
  const withoutShortcut = async <T>(run: () => Promise<T>): Promise<T> => {
    setRouteShortcut(app.app.getHttpAdapter().getInstance(), CHECK_IN_SHORTCUT, null);
    try {
      return await run();
    } finally {
      app.app.get(CheckInController).onModuleInit();
    }
  };

  /** The request's answer through the shortcut, then through Nest's handler, with the handler counts of each. */
  async function bothWays(options: RequestOptions) {
    const start = await handled();
    const viaShortcut = await checkIn(options);
    const middle = await handled();
    const viaRouter = await withoutShortcut(() => checkIn(options));
    const end = await handled();
    return {
      viaShortcut,
      viaRouter,
      shortcutCounted: { shortcut: middle.shortcut - start.shortcut, router: middle.router - start.router },
      routerCounted: { shortcut: end.shortcut - middle.shortcut, router: end.router - middle.router },
    };
  }

  /** Every header but the date (and those named), with its value. */
  const headersOf = (res: HttpResponse, ...except: string[]) =>
    Object.fromEntries([...res.headers.entries()].filter(([name]) => name !== 'date' && !except.includes(name)));

  function expectSameProblem(a: HttpResponse, b: HttpResponse, status: number): void {
    expect(a.status).toBe(status);
    expect(b.status).toBe(status);
    expect(a.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(headersOf(a)).toEqual(headersOf(b));
    expect(a.text).toBe(b.text);
  }

  let pc: RegisteredComputer;
  let etag: string;

  it('serves a valid check-in (200, then 304 for its ETag) with the same answer and headers as Nest’s handler', async () => {
    pc = await registerComputer(app, admin);
    const ok = await bothWays({ token: pc.token, body: { nonce: 'abcdefgh12345678' } });
    expect(ok.shortcutCounted).toEqual({ shortcut: 1, router: 0 });
    // Without the shortcut, Nest's handler answers alone: neither is counted.
    expect(ok.routerCounted).toEqual({ shortcut: 0, router: 0 });
    for (const res of [ok.viaShortcut, ok.viaRouter]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      expect(res.headers.get(SIGNATURE_HEADER)).toBeTruthy();
      expect(res.headers.get(KEY_ID_HEADER)).toBeTruthy();
      // Agents' routes carry no browser security headers.
      expect(res.headers.get('content-security-policy')).toBeNull();
      expect(res.body).toMatchObject({ computerId: pc.computerId, nonce: 'abcdefgh12345678' });
    }
    // The signature and length cover the body, which differs by its time and sequence number.
    expect(headersOf(ok.viaShortcut, SIGNATURE_HEADER, 'content-length')).toEqual(headersOf(ok.viaRouter, SIGNATURE_HEADER, 'content-length'));
    expect(Object.keys(ok.viaShortcut.body).sort()).toEqual(Object.keys(ok.viaRouter.body).sort());
    expect(ok.viaShortcut.body.seq).toBeLessThan(ok.viaRouter.body.seq);
    etag = ok.viaShortcut.headers.get('etag')!;

    const unchanged = await bothWays({ token: pc.token, headers: { 'if-none-match': etag } });
    expect(unchanged.shortcutCounted).toEqual({ shortcut: 1, router: 0 });
    for (const res of [unchanged.viaShortcut, unchanged.viaRouter]) {
      expect(res.status).toBe(304);
      expect(res.text).toBe('');
      expect(res.headers.get('etag')).toBe(etag);
    }
    expect(headersOf(unchanged.viaShortcut)).toEqual(headersOf(unchanged.viaRouter));
  });

  it('counts what it serves in the check-in metrics and the request durations, as Nest’s handler does', async () => {
    const before = await scrapeMetrics(app.http.baseUrl);
    expect((await checkIn({ token: pc.token, headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await checkIn({ token: pc.token })).status).toBe(200);
    const after = await scrapeMetrics(app.http.baseUrl);
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('patchgate_check_in_requests_total', { handler: 'shortcut' })).toBe(2);
    expect(delta('patchgate_check_ins_total', { result: '304' })).toBe(1);
    expect(delta('patchgate_check_ins_total', { result: '200' })).toBe(1);
    expect(delta('patchgate_http_request_duration_seconds_count', { method: 'POST', route: '/client/v1/checkin', status: '304' })).toBe(1);
    expect(delta('patchgate_http_request_duration_seconds_count', { method: 'POST', route: '/client/v1/checkin', status: '200' })).toBe(1);
  });

  it('leaves a body it does not accept to Nest’s handler: the same 400 problem+json, naming the field', async () => {
    const bad = await bothWays({ token: pc.token, body: { nonce: 'short', installed: [{ updateId: randomUUID(), revision: 0 }] } });
    expect(bad.shortcutCounted).toEqual({ shortcut: 0, router: 1 });
    expectSameProblem(bad.viaShortcut, bad.viaRouter, 400);
    expect(bad.viaShortcut.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['installed.0.revision', 'nonce']);
    // An unknown field is refused the same way, and so is a token in the body (never accepted there).
    const unknown = await bothWays({ token: pc.token, body: { access_token: pc.token } });
    expect(unknown.shortcutCounted).toEqual({ shortcut: 0, router: 1 });
    expect(unknown.viaShortcut.status).toBe(401);
    expectSameProblem(unknown.viaShortcut, unknown.viaRouter, 401);
  });

  it('answers an oversized body 413 and malformed JSON 400 before either handler runs', async () => {
    const big = await bothWays({ token: pc.token, rawBody: JSON.stringify({ nonce: 'x'.repeat(300 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(big.shortcutCounted).toEqual({ shortcut: 0, router: 0 });
    expectSameProblem(big.viaShortcut, big.viaRouter, 413);
    const malformed = await bothWays({ token: pc.token, rawBody: '{"nonce":', headers: { 'content-type': 'application/json' } });
    expectSameProblem(malformed.viaShortcut, malformed.viaRouter, 400);
  });

  it('refuses a missing, malformed, unknown or admin token with the same 401 problem+json', async () => {
    const refused: RequestOptions[] = [
      { headers: {} },
      { headers: { authorization: 'Basic abc' } },
      { headers: { authorization: 'Bearer' } },
      { token: `pgc_${randomUUID()}` },
      { token: admin },
    ];
    for (const options of refused) {
      const denied = await bothWays(options);
      expect(denied.shortcutCounted).toEqual({ shortcut: 1, router: 0 });
      expectSameProblem(denied.viaShortcut, denied.viaRouter, 401);
      expect(denied.viaShortcut.body).toMatchObject({ status: 401, instance: '/client/v1/checkin' });
    }
  });

  it('refuses a revoked computer with the same 401, and records no audit event for any check-in', async () => {
    const doomed = await registerComputer(app, admin);
    expect((await checkIn({ token: doomed.token })).status).toBe(200);
    expect((await app.http.delete(`/api/v1/computers/${doomed.computerId}`, { token: admin })).status).toBe(204);
    const revoked = await bothWays({ token: doomed.token });
    expect(revoked.shortcutCounted).toEqual({ shortcut: 1, router: 0 });
    expectSameProblem(revoked.viaShortcut, revoked.viaRouter, 401);
    const [{ n }] = await app.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action LIKE '%/client/v1/checkin%'`);
    expect(n).toBe(0);
  });

  it('counts the computer’s rate limit once per request, and answers past it the same 429 with Retry-After', async () => {
    const flooder = await registerComputer(app, admin);
    const statuses: number[] = [];
    for (let i = 0; i < COMPUTER_LIMIT; i++) statuses.push((await checkIn({ token: flooder.token })).status);
    expect(statuses).toEqual(Array.from({ length: COMPUTER_LIMIT }, () => 200));
    const limited = await bothWays({ token: flooder.token });
    expect(limited.shortcutCounted).toEqual({ shortcut: 1, router: 0 });
    for (const res of [limited.viaShortcut, limited.viaRouter]) {
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.body.retryAfterSeconds).toBe(Number(res.headers.get('retry-after')));
    }
    // Retry-After counts down the window: it may differ by a second between the two.
    const { retryAfterSeconds: _a, ...shortcutProblem } = limited.viaShortcut.body;
    const { retryAfterSeconds: _b, ...routerProblem } = limited.viaRouter.body;
    expect(shortcutProblem).toEqual(routerProblem);
    expect(headersOf(limited.viaShortcut, 'retry-after', 'content-length')).toEqual(headersOf(limited.viaRouter, 'retry-after', 'content-length'));
    // Another computer is still served.
    expect((await checkIn({ token: pc.token, headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});
