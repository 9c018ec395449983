import { randomBytes } from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';

describe('outside local mode, /metrics and /api/docs are closed by default', () => {
  let closed: TestApp;

  beforeAll(async () => {
    closed = await startTestApp({ env: { PATCHGATE_METRICS_OPEN: 'false', PATCHGATE_API_DOCS: 'false' } });
  });
  afterAll(() => closed.close());

  it('answers 404 for both', async () => {
    const metrics = await closed.http.get('/metrics');
    expect(metrics.status).toBe(404);
    expect(metrics.headers.get('content-type')).toContain('application/problem+json');
    expect(metrics.text).not.toContain('patchgate_');
    for (const path of ['/api/docs', '/api/docs-json']) expect((await closed.http.get(path)).status).toBe(404);
  });

  it('a metrics token opens /metrics to its holder only; PATCHGATE_API_DOCS=true opens the docs', async () => {
    const token = randomBytes(24).toString('hex');
    const opened = await startTestApp({ environment: closed.environment, env: { PATCHGATE_METRICS_OPEN: 'false', PATCHGATE_METRICS_TOKEN: token, PATCHGATE_API_DOCS: 'true' } });
    try {
      expect((await opened.http.get('/metrics')).status).toBe(401);
      expect((await opened.http.get('/metrics', { token })).status).toBe(200);
      expect((await opened.http.get('/api/docs-json')).status).toBe(200);
    } finally {
      await opened.close();
    }
  });
});
