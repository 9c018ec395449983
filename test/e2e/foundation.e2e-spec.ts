import { Role } from '../../src/common/auth/role';
import { userWithRole } from '../factories/users.factory';
import { createTestEnvironment, startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';

describe('foundation: auth, errors, limits, health', () => {
  let app: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    app = await startTestApp();
    adminToken = await app.login();
  });
  afterAll(() => app.close());

  describe('login', () => {
    it('answers a JWT for the right password', async () => {
      const res = await app.http.post('/api/v1/auth/login', TEST_ADMIN);
      expect(res.status).toBe(200);
      expect(res.body.expiresIn).toBe(3600);
      const [, payload] = res.body.accessToken.split('.');
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ username: 'admin', role: 'admin' });
    });

    it('answers 401 problem+json for a wrong password, and for an unknown user', async () => {
      for (const body of [{ ...TEST_ADMIN, password: 'wrong-password' }, { username: 'nobody', password: 'whatever' }]) {
        const res = await app.http.post('/api/v1/auth/login', body);
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      }
    });

    it('refuses protected routes without a token, or with a forged one', async () => {
      expect((await app.http.get('/api/v1/users')).status).toBe(401);
      const forged = adminToken.slice(0, -4) + (adminToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect((await app.http.get('/api/v1/users', { token: forged })).status).toBe(401);
    });
  });

  describe('roles', () => {
    it('an auditor creating a user gets 403 and no user is created', async () => {
      const auditor = await userWithRole(app, Role.Auditor, adminToken);
      const res = await app.http.post('/api/v1/users', { username: 'mallory', password: 'long-enough-password', role: 'admin' }, { token: auditor.token });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const [{ count }] = await app.db.query(`SELECT count(*)::int AS count FROM users WHERE username = 'mallory'`);
      expect(count).toBe(0);
    });

    it('an approver cannot list users; an admin can, with paging', async () => {
      const approver = await userWithRole(app, Role.Approver, adminToken);
      expect((await app.http.get('/api/v1/users', { token: approver.token })).status).toBe(403);
      const page = await app.http.get('/api/v1/users?limit=1', { token: adminToken });
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0]).not.toHaveProperty('passwordHash');
      const next = await app.http.get(`/api/v1/users?limit=500&cursor=${page.body.nextCursor}`, { token: adminToken });
      expect(next.body.items.map((u: { username: string }) => u.username)).not.toContain(page.body.items[0].username);
    });

    it('a duplicate username is a 409', async () => {
      const body = { username: 'dup-user', password: 'long-enough-password', role: 'auditor' };
      expect((await app.http.post('/api/v1/users', body, { token: adminToken })).status).toBe(201);
      expect((await app.http.post('/api/v1/users', { ...body, username: 'DUP-user' }, { token: adminToken })).status).toBe(409);
    });
  });

  describe('API tokens', () => {
    it('are shown once, stored hashed, and work as bearer tokens with their role', async () => {
      const res = await app.http.post('/api/v1/api-tokens', { name: 'automation', role: 'auditor' }, { token: adminToken });
      expect(res.status).toBe(201);
      const token: string = res.body.token;
      expect(token).toMatch(/^pgt_/);
      const stored = await app.db.query('SELECT token_hash FROM api_tokens WHERE id = $1', [res.body.id]);
      expect(stored[0].token_hash).not.toContain(token);
      expect((await app.http.get('/health/ready', { token })).status).toBe(200);
      // auditor role: may not create users
      expect((await app.http.post('/api/v1/users', { username: 'x1', password: 'long-enough-password', role: 'admin' }, { token })).status).toBe(403);
      expect((await app.http.get('/api/v1/users', { token: `${token}x` })).status).toBe(401);
    });
  });

  describe('bad input', () => {
    it('an unknown field is a 400 problem+json naming it, and nothing is written', async () => {
      const res = await app.http.post('/api/v1/users', { username: 'eve', password: 'long-enough-password', role: 'admin', isRoot: true }, { token: adminToken });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'isRoot' })]));
      const [{ count }] = await app.db.query(`SELECT count(*)::int AS count FROM users WHERE username = 'eve'`);
      expect(count).toBe(0);
    });

    it('a wrong type or missing field is a 400 listing every problem', async () => {
      const res = await app.http.post('/api/v1/users', { username: 'ok-name', role: 'superuser' }, { token: adminToken });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['password', 'password', 'password', 'role']);
    });

    it('malformed JSON is a 400 problem+json', async () => {
      const res = await app.http.request('POST', '/api/v1/auth/login', { rawBody: '{"username": "admin",', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });

    it('a 2 MiB body is a 413 problem+json and the server keeps serving', async () => {
      const big = JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) });
      const res = await app.http.request('POST', '/api/v1/auth/login', { rawBody: big, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await app.http.get('/health/live')).status).toBe(200);
    });

    it('an unknown route is a 404 problem+json', async () => {
      const res = await app.http.get('/api/v1/nothing-here', { token: adminToken });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  describe('health and docs', () => {
    it('readiness reports the database and Redis up', async () => {
      const res = await app.http.get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } });
    });

    it('serves the OpenAPI document with bearer security on protected routes', async () => {
      const res = await app.http.get('/api/docs-json');
      expect(res.status).toBe(200);
      expect(res.body.paths['/api/v1/users'].post.security).toEqual([{ bearer: [] }]);
      expect(res.body.paths['/api/v1/auth/login'].post.security).toBeUndefined();
      expect((await app.http.get('/api/docs')).status).toBe(200);
    });
  });
});

describe('the first-admin rule', () => {
  it('creates the admin only when no user exists, with a generated password shown once', async () => {
    const environment = await createTestEnvironment({ PATCHGATE_ADMIN_USER: 'root-admin' });
    delete environment.env.PATCHGATE_ADMIN_PASSWORD;
    const first = await startTestApp({ environment });
    try {
      expect(first.firstAdmin?.username).toBe('root-admin');
      const password = first.firstAdmin!.generatedPassword!;
      expect(password.length).toBeGreaterThanOrEqual(16);
      expect(typeof (await first.login('root-admin', password))).toBe('string');
    } finally {
      await first.close();
    }
    // A second start on the same database, even asking for another admin, creates nobody.
    const second = await startTestApp({ environment, env: { PATCHGATE_ADMIN_USER: 'another-admin', PATCHGATE_ADMIN_PASSWORD: 'another-long-password' } });
    try {
      expect(second.firstAdmin).toBeNull();
      const users = await second.db.query('SELECT username, role FROM users');
      expect(users).toEqual([{ username: 'root-admin', role: 'admin' }]);
    } finally {
      await second.close();
    }
  });
});
