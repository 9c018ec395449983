import { createEnrollmentKey, registerComputer, registrationBody } from '../factories/computers.factory';
import { startTestApp, TestApp } from '../support/test-app';

/** Error messages say what is wrong, not something else that happens to fail too. */
describe('error messages', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
  });
  afterAll(() => app.close());

  it('PUT /api/v1/maintenance/config with one field names the missing ones as missing (PUT replaces the whole configuration)', async () => {
    const res = await app.http.put('/api/v1/maintenance/config', { vacuum: false }, { token: admin });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const byField = Object.fromEntries((res.body.errors as { field: string; message: string }[]).map((e) => [e.field, e.message]));
    expect(byField).toEqual({
      schedule: 'schedule is required (a cron expression, or null for manual runs only): PUT /api/v1/maintenance/config replaces the whole configuration',
      declineSupersededAfterDays: 'declineSupersededAfterDays is required: PUT /api/v1/maintenance/config replaces the whole configuration (GET it, change it, PUT it back)',
      declineExpired: 'declineExpired is required: PUT /api/v1/maintenance/config replaces the whole configuration (GET it, change it, PUT it back)',
      removeComputersAfterDays: 'removeComputersAfterDays is required: PUT /api/v1/maintenance/config replaces the whole configuration (GET it, change it, PUT it back)',
      statusHistoryDays: 'statusHistoryDays is required: PUT /api/v1/maintenance/config replaces the whole configuration (GET it, change it, PUT it back)',
    });
    const whole = { schedule: null, declineSupersededAfterDays: 0, declineExpired: false, removeComputersAfterDays: 0, statusHistoryDays: 0, vacuum: false };
    const tooLong = await app.http.put('/api/v1/maintenance/config', { ...whole, schedule: `0 3 * * * ${' '.repeat(200)}` }, { token: admin });
    expect(tooLong.body.errors).toEqual([{ field: 'schedule', message: 'schedule must be at most 120 characters' }]);
    const notText = await app.http.put('/api/v1/maintenance/config', { ...whole, schedule: 5 }, { token: admin });
    expect(notText.body.errors).toEqual([{ field: 'schedule', message: 'schedule must be a cron expression (a string) or null' }]);
    expect((await app.http.put('/api/v1/maintenance/config', whole, { token: admin })).status).toBe(200);
  });

  it('POST /client/v1/register without agentVersion says it is required', async () => {
    const { key } = await createEnrollmentKey(app, admin);
    const { agentVersion: _omitted, ...body } = registrationBody(key);
    const res = await app.http.post('/client/v1/register', body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'agentVersion', message: 'agentVersion is required' }]);
  });

  it('a body with a __proto__ or constructor.prototype key is refused for that key, not as invalid JSON', async () => {
    for (const body of [
      '{"username": "admin", "password": "x", "__proto__": {"isAdmin": true}}',
      '{"username": "admin", "password": "x", "constructor": {"prototype": {"isAdmin": true}}}',
    ]) {
      const res = await app.http.post('/api/v1/auth/login', undefined, { rawBody: body, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ type: 'urn:patchgate:problem:forbidden_json_key', detail: 'the body contains a "__proto__" or "constructor.prototype" key, which is refused' });
    }
    const broken = await app.http.post('/api/v1/auth/login', undefined, { rawBody: '{"username": "adm', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/^Body is not valid JSON/);
  });

  it('a file outside the computer\'s offer is named as such, whether or not it is stored for others', async () => {
    const pc = await registerComputer(app, admin);
    const sha256 = 'ab'.repeat(32);
    const res = await app.http.get(`/content/v1/files/${sha256}`, { token: pc.token });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe(`file ${sha256} is not among the stored files of this computer's current offer`);
  });
});
