import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { registerComputer, RegisteredComputer } from '../factories/computers.factory';
import { eventually } from '../support/eventually';
import { HttpResponse } from '../support/http-client';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

const KiB = 1024;
const json = { 'content-type': 'application/json' };

function expectProblem(res: HttpResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status });
}

function statusEvent() {
  return { updateId: randomUUID(), revision: 1, state: 'installed', occurredAt: new Date().toISOString(), seq: 1 };
}

describe('request limits and input handling', () => {
  let app: TestApp;
  let admin: string;
  let pc: RegisteredComputer;

  beforeAll(async () => {
    app = await startTestApp({ env: { PATCHGATE_REQUEST_TIMEOUT_MS: '1000' } });
    admin = await app.login();
    pc = await registerComputer(app, admin);
  });
  afterAll(() => app.close());

  const raw = (method: string, path: string, rawBody: string | Buffer, headers: Record<string, string> = json, token?: string) =>
    app.http.request(method, path, { rawBody, headers, token });

  it('check-in takes at most 256 KiB, status reports and the admin API 1 MiB: 413 problem+json beyond', async () => {
    const padded = (bytes: number, body: Record<string, unknown>) => JSON.stringify({ ...body, padding: 'x'.repeat(bytes) });
    expectProblem(await raw('POST', '/client/v1/checkin', padded(300 * KiB, {}), json, pc.token), 413);
    // The same size passes the status route's limit (and is then refused for its unknown field).
    expectProblem(await raw('POST', '/client/v1/status', padded(300 * KiB, { events: [statusEvent()] }), json, pc.token), 400);
    expectProblem(await raw('POST', '/client/v1/status', padded(1100 * KiB, { events: [statusEvent()] }), json, pc.token), 413);
    expectProblem(await raw('POST', '/api/v1/groups', padded(300 * KiB, { name: 'g' }), json, admin), 400);
    expectProblem(await raw('POST', '/api/v1/groups', padded(1100 * KiB, { name: 'g' }), json, admin), 413);
    expect((await raw('POST', '/client/v1/checkin', '{}', json, pc.token)).status).toBe(200);
  });

  it('a compressed body is refused with 415 before it is inflated: a gzip bomb costs nothing', async () => {
    // 64 MiB of zeros in about 64 KiB: would pass every body limit compressed, never decompressed.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * KiB));
    expect(bomb.length).toBeLessThan(256 * KiB);
    const res = await raw('POST', '/client/v1/checkin', bomb, { ...json, 'content-encoding': 'gzip' }, pc.token);
    expectProblem(res, 415);
    expect(res.body.type).toBe('urn:patchgate:problem:unsupported_content_encoding');
    expect((await raw('POST', '/client/v1/checkin', '{}', { ...json, 'content-encoding': 'identity' }, pc.token)).status).toBe(200);
  });

  it('only JSON is parsed: text, forms and anything else are 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      expectProblem(await raw('POST', '/api/v1/auth/login', 'username=admin&password=x', { 'content-type': type }), 415);
    }
  });

  it('truncated or invalid JSON is a 400', async () => {
    for (const body of ['{"username": "admin", "password": "te', '{username: admin}', '[1, 2', '']) {
      expectProblem(await raw('POST', '/api/v1/auth/login', body), 400);
    }
  });

  it('__proto__ and constructor.prototype keys are refused (400), and no object is polluted', async () => {
    const payloads = [
      `{"username": "admin", "password": "x", "__proto__": {"isAdmin": true}}`,
      `{"username": "admin", "password": "x", "constructor": {"prototype": {"isAdmin": true}}}`,
    ];
    for (const body of payloads) expectProblem(await raw('POST', '/api/v1/auth/login', body), 400);
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });

  it('a slow-loris client that never finishes its request is cut off', async () => {
    const socket = connect(Number(new URL(app.http.baseUrl).port), '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
    });
    socket.write('POST /client/v1/checkin HTTP/1.1\r\nHost: x\r\n');
    // One header line a few times a second: never idle, never done.
    const trickle = setInterval(() => socket.writable && socket.write(`x-slow-${Date.now()}: 1\r\n`), 200);
    try {
      const answer = await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });

  it('every list endpoint caps its page size at 500', async () => {
    const docs = await app.http.get('/api/docs-json');
    const lists = Object.entries(docs.body.paths as Record<string, { get?: { parameters?: { name: string; in: string }[] } }>)
      .filter(([path, item]) => path.startsWith('/api/v1/') && !path.includes('{') && item.get?.parameters?.some((p) => p.name === 'limit' && p.in === 'query'))
      .map(([path]) => path);
    expect(lists).toEqual(expect.arrayContaining(['/api/v1/updates', '/api/v1/computers', '/api/v1/users', '/api/v1/groups', '/api/v1/audit/approvals']));
    for (const path of lists) {
      expect((await app.http.get(`${path}?limit=500`, { token: admin })).status).toBe(200);
      expectProblem(await app.http.get(`${path}?limit=501`, { token: admin }), 400);
    }
  });

  it('answers carry security headers; the API docs still load under their own CSP', async () => {
    const api = await app.http.get('/health/live');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('strict-transport-security')).toContain('max-age=');
    expect(api.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    // Agents' answers stay small: no browser headers on /client/v1.
    const checkIn = await app.http.post('/client/v1/checkin', {}, { token: pc.token });
    expect(checkIn.status).toBe(200);
    expect(checkIn.headers.get('content-security-policy')).toBeNull();
    const page = await app.http.get('/api/docs');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    // Served over plain http in local mode: its assets must not be upgraded to an https that isn't there.
    expect(csp).not.toContain('upgrade-insecure-requests');
    // The page runs no inline script (the CSP would block it); its scripts and styles load from here.
    expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    const assets = [...page.text.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect((await app.http.get(`/api/docs/${asset.replace(/^docs\//, '')}`)).status).toBe(200);
  });

  it('CORS is off unless origins are configured', async () => {
    const preflight = { origin: 'https://console.example.com', 'access-control-request-method': 'GET' };
    const off = await app.http.request('OPTIONS', '/api/v1/updates', { headers: preflight });
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    const withCors = await startTestApp({ environment: app.environment, env: { PATCHGATE_CORS_ORIGINS: 'https://console.example.com' } });
    try {
      const on = await withCors.http.request('OPTIONS', '/api/v1/updates', { headers: preflight });
      expect(on.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
      const other = await withCors.http.request('OPTIONS', '/api/v1/updates', { headers: { ...preflight, origin: 'https://evil.example.net' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await withCors.close();
    }
  });
});

describe('rate limits (counted in Redis, shared by API processes)', () => {
  let app: TestApp;
  let admin: string;
  const limits = {
    PATCHGATE_LOGIN_MAX_FAILURES_PER_USER: '3',
    PATCHGATE_LOGIN_MAX_FAILURES_PER_IP: '8',
    // Long enough that a slow machine's 9 hashed attempts fit in one window; short enough to wait out.
    PATCHGATE_LOGIN_LOCK_SECONDS: '8',
    PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE: '6',
    PATCHGATE_RATE_LIMIT_API_TOKEN_PER_MINUTE: '6',
  };

  beforeAll(async () => {
    app = await startTestApp({ env: limits });
    admin = await app.login();
  });
  afterAll(() => app.close());

  const login = (username: string, password: string) => app.http.post('/api/v1/auth/login', { username, password });

  function expectTooMany(res: HttpResponse): void {
    expectProblem(res, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(res.body.retryAfterSeconds).toBe(retryAfter);
  }

  it('failed logins lock the username, even for the right password, until the lock expires; successes do not count', async () => {
    const user = { username: `ops-${randomUUID().slice(0, 8)}`, password: 'a-long-enough-password' };
    expect((await app.http.post('/api/v1/users', { ...user, role: 'auditor' }, { token: admin })).status).toBe(201);
    for (let i = 0; i < 10; i++) expect((await login(user.username, user.password)).status).toBe(200);
    for (let i = 0; i < 3; i++) expectProblem(await login(user.username, 'wrong-password'), 401);
    expectTooMany(await login(user.username, 'wrong-password'));
    expectTooMany(await login(user.username, user.password));
    // Another user is not affected.
    expect((await login(TEST_ADMIN.username, TEST_ADMIN.password)).status).toBe(200);
    await eventually(() => login(user.username, user.password), (res) => res.status === 200, 20_000, 250);
  });

  it('failed logins from one IP across many usernames lock that IP', async () => {
    await eventually(() => login(TEST_ADMIN.username, TEST_ADMIN.password), (res) => res.status === 200, 20_000, 250);
    for (let i = 0; i < 8; i++) expectProblem(await login(`nobody-${i}`, 'guess'), 401);
    expectTooMany(await login('nobody-else', 'guess'));
    await eventually(() => login(TEST_ADMIN.username, TEST_ADMIN.password), (res) => res.status === 200, 20_000, 250);
  });

  it('a flooding computer gets 429 while the other computers are served, on every API process', async () => {
    const [flooder, neighbour] = [await registerComputer(app, admin), await registerComputer(app, admin)];
    const second = await startTestApp({ environment: app.environment, env: limits });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const via = i % 2 ? second : app;
        statuses.push((await via.http.post('/client/v1/checkin', {}, { token: flooder.token })).status);
      }
      // Six calls in the minute, counted across both processes.
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
      expectTooMany(await app.http.post('/client/v1/status', { events: [statusEvent()] }, { token: flooder.token }));
      expect((await second.http.post('/client/v1/checkin', {}, { token: neighbour.token })).status).toBe(200);
      expect((await app.http.post('/client/v1/status', { events: [statusEvent()] }, { token: neighbour.token })).status).toBe(202);
    } finally {
      await second.close();
    }
  });

  it('an API token is limited per token', async () => {
    const created = await app.http.post('/api/v1/api-tokens', { name: 'ci', role: 'auditor' }, { token: admin });
    expect(created.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await app.http.get('/api/v1/updates?limit=1', { token: created.body.token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expectTooMany(await app.http.get('/api/v1/updates?limit=1', { token: created.body.token }));
    // A person's session is not counted against the token.
    expect((await app.http.get('/api/v1/updates?limit=1', { token: admin })).status).toBe(200);
  });
});
