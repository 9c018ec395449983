import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { SignedOffer } from '../../src/contracts/client-protocol';
import { QueueName } from '../../src/infra/queue/queue-names';
import { LocalServices, startLocalServices } from '../../src/infra/services/local-services';
import { syncRunJobId } from '../../src/modules/catalog/sync/sync-queue';
import { ALL_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { currentRevisions, readSampleFeed, SAMPLE_FEED_DIR } from '../factories/catalog.factory';
import { createEnrollmentKey, registerComputer, registrationBody } from '../factories/computers.factory';
import { insertUpdate } from '../factories/updates.factory';
import { buildPrivateCopy, NodeProcess } from '../support/built-process';
import { eventually } from '../support/eventually';
import { FeedServer } from '../support/feed-server';
import { HttpClient, HttpResponse } from '../support/http-client';
import { configureUpstream, openQueue, startRun, waitForRun } from '../support/sync';
import { createTestEnvironment, startTestApp, TEST_ADMIN, TestApp, TestEnvironment } from '../support/test-app';

const sampleUpdates = currentRevisions(readSampleFeed().flatMap((p) => p.items));

function expectUnavailable(res: HttpResponse): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.headers.get('retry-after')).toBe('5');
}

const statusReport = (updateId: string) => ({ events: [{ updateId, revision: 1, state: 'installed', occurredAt: new Date().toISOString(), seq: 1 }] });

/** Status reports sent one after another, each for a new update, until stopped; what each got is kept. */
function reportContinuously(app: TestApp, token: string) {
  const answers: { updateId: string; status: number }[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const updateId = randomUUID();
      const res = await app.http.post('/client/v1/status', statusReport(updateId), { token }).catch(() => ({ status: 0 }));
      answers.push({ updateId, status: res.status });
      if (res.status !== 202) await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    answers,
    accepted: () => answers.filter((a) => a.status === 202).map((a) => a.updateId),
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function storedUpdateIds(app: TestApp, computerId: string): Promise<Set<string>> {
  const rows: { update_id: string }[] = await app.db.query('SELECT update_id FROM status_events WHERE computer_id = $1', [computerId]);
  return new Set(rows.map((r) => r.update_id));
}

/**
 * PostgreSQL and Redis going away and coming back, and processes killed or stopped. These tests stop
 * servers, so they run on their own PostgreSQL and Redis, never the shared e2e ones.
 */
describe('faults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'patchgate-faults-'));
  let services: LocalServices;
  let build: ReturnType<typeof buildPrivateCopy>;
  let feed: FeedServer;
  const processes: NodeProcess[] = [];

  const environment = (env: Record<string, string> = {}) => createTestEnvironment(env, services);

  beforeAll(async () => {
    services = await startLocalServices({ dataDir });
    build = buildPrivateCopy();
    feed = await FeedServer.start();
    feed.serveDirectory(SAMPLE_FEED_DIR);
  }, 120_000);
  afterEach(async () => {
    for (const child of processes.splice(0)) await child.kill();
    await services.restartService('redis');
    await services.restartService('postgres');
    feed.releaseAll();
    feed.answerWith(null);
  });
  afterAll(async () => {
    await feed?.close();
    await services?.stop();
    build?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('with the API and worker in this process', () => {
    let app: TestApp;
    let admin: string;

    beforeEach(async () => {
      // The reporting loop below sends far more than an agent would. A job the worker was taking or
      // finishing when Redis went away stays active in Redis until its lock expires and the stalled-job
      // check hands it back (lock duration and check interval: PATCHGATE_QUEUE_STALLED_INTERVAL_MS,
      // 30 s by default); 2 s here, so the test need not wait a minute for it.
      app = await startTestApp({
        withWorker: true,
        environment: await environment({ PATCHGATE_RATE_LIMIT_COMPUTER_PER_MINUTE: '1000000', PATCHGATE_QUEUE_STALLED_INTERVAL_MS: '2000' }),
      });
      admin = await app.login();
    });
    afterEach(() => app.close());

    it('Redis stopped: not ready, 503 at once where Redis is needed, PostgreSQL-only reads served; all recovers and every 202 is stored', async () => {
      const pc = await registerComputer(app, admin);
      await configureUpstream(app, admin, { kind: 'feed', url: feed.url('index.json') });
      const reporter = reportContinuously(app, pc.token);
      await eventually(async () => reporter.accepted().length, (n) => n >= 5);

      await services.stopService('redis');
      await eventually(() => app.http.get('/health/ready'), (res) => res.status === 503);
      await eventually(async () => reporter.answers.at(-1)?.status, (status) => status === 503);
      expectUnavailable(await app.http.post('/client/v1/checkin', {}, { token: pc.token }));
      expectUnavailable(await app.http.post('/api/v1/auth/login', TEST_ADMIN));
      expectUnavailable(await app.http.post('/api/v1/sync/runs', undefined, { token: admin }));
      expect((await app.http.get('/api/v1/computers', { token: admin })).status).toBe(200);
      // The refused sync request left no queued run behind that would hold the one-run slot.
      expect(await app.db.query(`SELECT status FROM sync_runs`)).toEqual([{ status: 'failed' }]);

      await services.restartService('redis');
      await eventually(() => app.http.get('/health/ready'), (res) => res.status === 200);
      expect((await app.http.post('/client/v1/checkin', {}, { token: pc.token })).status).toBe(200);
      const before = reporter.accepted().length;
      await eventually(async () => reporter.accepted().length, (n) => n >= before + 5);
      await reporter.stop();
      expect(reporter.answers.filter((a) => a.status !== 202 && a.status !== 503)).toEqual([]);

      const accepted = reporter.accepted();
      // The worker may be between reconnection attempts when Redis is back.
      const missing = async () => {
        const stored = await storedUpdateIds(app, pc.computerId);
        return accepted.filter((id) => !stored.has(id));
      };
      expect(await eventually(missing, (ids) => ids.length === 0, 45_000)).toEqual([]);
      const id = await startRun(app, admin);
      expect(await waitForRun(app, admin, id)).toMatchObject({ status: 'succeeded', newUpdates: sampleUpdates.size });
    });

    it('an approval committed while Redis is down reaches the computers once Redis is back (no stale 304)', async () => {
      const pc = await registerComputer(app, admin);
      const updateId = await insertUpdate(app.db);
      const first = await app.http.post<SignedOffer>('/client/v1/checkin', {}, { token: pc.token });
      expect(first.status).toBe(200);
      expect(first.body.updates.map((u) => u.updateId)).not.toContain(updateId);
      const etag = first.headers.get('etag')!;

      await services.stopService('redis');
      await eventually(() => app.http.get('/health/ready'), (res) => res.status === 503);
      // PostgreSQL commits the approval (and its log entry); the version bump after it fails.
      expectUnavailable(await app.http.put('/api/v1/approvals', { updateId, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' }, { token: admin }));
      expect(await app.db.query('SELECT decision FROM approvals WHERE update_id = $1', [updateId])).toEqual([{ decision: 'install' }]);

      await services.restartService('redis');
      const next = await eventually(
        () => app.http.post<SignedOffer>('/client/v1/checkin', {}, { token: pc.token, headers: { 'if-none-match': etag } }),
        // Once Redis answers, every cached offer is invalidated; an answer in between may still be 304.
        (res) => res.status === 200,
      );
      expect(next.body.updates.map((u) => u.updateId)).toContain(updateId);
    });

    it('PostgreSQL stopped: 503 rather than a hang or a 500, status reports still accepted and stored once it is back', async () => {
      const pc = await registerComputer(app, admin);
      expect((await app.http.post('/client/v1/checkin', {}, { token: pc.token })).status).toBe(200);

      await services.stopService('postgres');
      expectUnavailable(await app.http.get('/api/v1/updates', { token: admin }));
      expectUnavailable(await app.http.post('/api/v1/auth/login', TEST_ADMIN));
      expect((await app.http.get('/health/ready')).status).toBe(503);
      // The agent path needs Redis only: reports are queued while the database is away.
      const whileDown = [randomUUID(), randomUUID()];
      for (const updateId of whileDown) expect((await app.http.post('/client/v1/status', statusReport(updateId), { token: pc.token })).status).toBe(202);

      await services.restartService('postgres');
      await eventually(() => app.http.get('/health/ready'), (res) => res.status === 200);
      expect((await app.http.get('/api/v1/updates', { token: admin })).status).toBe(200);
      await eventually(() => storedUpdateIds(app, pc.computerId), (stored) => whileDown.every((id) => stored.has(id)), 30_000);
    });

    it('a sync run that Redis restarts under completes once', async () => {
      await configureUpstream(app, admin, { kind: 'feed', url: feed.url('index.json') });
      feed.answerWith((r) => (r.path === '/page-0003.json' ? { hang: true } : undefined));
      const id = await startRun(app, admin);
      await waitForRun(app, admin, id, (r) => r.progress.pagesProcessed === 2 && feed.requestsFor('page-0003.json').length > 0);
      await services.stopService('redis');
      await services.restartService('redis');
      feed.releaseAll();
      feed.answerWith(null);
      expect(await waitForRun(app, admin, id)).toMatchObject({ status: 'succeeded', newUpdates: sampleUpdates.size });
      expect(await app.db.query('SELECT count(*)::int AS runs FROM sync_runs')).toEqual([{ runs: 1 }]);
      expect(feed.requestsFor('index.json')).toEqual([]);
    });
  });

  describe('real processes', () => {
    let env: TestEnvironment;
    const startApi = async (extra: Record<string, string> = {}) => {
      const api = await NodeProcess.start(build.dir, 'src/main.js', { ...env.env, HOST: '127.0.0.1', PORT: '0', ...extra }, /listening on 127\.0\.0\.1:\d+/);
      processes.push(api);
      return api;
    };
    const startWorker = async () => {
      const worker = await NodeProcess.start(build.dir, 'src/worker.js', { ...env.env, PATCHGATE_QUEUE_STALLED_INTERVAL_MS: '1000' }, /Patchgate worker started/);
      processes.push(worker);
      return worker;
    };

    beforeEach(async () => {
      env = await environment();
    });

    it('a Redis that may evict keys is refused in production and only warned about in local mode', async () => {
      const redis = new Redis(services.redisUrl);
      try {
        await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
        const refused = NodeProcess.start(build.dir, 'src/main.js', { ...env.env, HOST: '127.0.0.1', PORT: '0' }, /listening on/);
        await expect(refused).rejects.toThrow(/maxmemory-policy is allkeys-lru: .*set maxmemory-policy noeviction/);
        const local = await startApi({ PATCHGATE_LOCAL_MODE: '1', PATCHGATE_SAMPLE_FEED: 'false', LOG_LEVEL: 'warn' });
        expect(local.output()).toMatch(/maxmemory-policy is allkeys-lru/);
      } finally {
        await redis.config('SET', 'maxmemory-policy', 'noeviction');
        redis.disconnect();
      }
    });

    it('a worker stopped with SIGTERM hands its sync job back; one killed with SIGKILL loses it only until the stalled check; the run completes once', async () => {
      const app = await startTestApp({ environment: env });
      const queue: Queue = openQueue(app, QueueName.Sync);
      try {
        const admin = await app.login();
        await configureUpstream(app, admin, { kind: 'feed', url: feed.url('index.json') });
        feed.answerWith((r) => (r.path === '/page-0003.json' ? { hang: true } : undefined));
        const first = await startWorker();
        const id = await startRun(app, admin);
        await waitForRun(app, admin, id, (r) => r.progress.pagesProcessed === 2 && feed.requestsFor('page-0003.json').length > 0);

        first.child.kill('SIGTERM');
        expect(await first.exited).toEqual({ code: 0, signal: null });
        expect(await queue.getJobState(syncRunJobId(id))).toBe('waiting');

        feed.releaseAll();
        feed.answerWith((r) => (r.path === '/page-0004.json' ? { hang: true } : undefined));
        const second = await startWorker();
        await waitForRun(app, admin, id, (r) => r.progress.pagesProcessed === 3 && feed.requestsFor('page-0004.json').length > 0);
        second.child.kill('SIGKILL');
        await second.exited;
        expect(await queue.getJobState(syncRunJobId(id))).toBe('active');

        feed.releaseAll();
        feed.answerWith(null);
        await startWorker();
        const run = await waitForRun(app, admin, id);
        expect(run).toMatchObject({ status: 'succeeded', newUpdates: sampleUpdates.size, itemErrorCount: 0 });
        expect(run.progress.pagesProcessed).toBe(4);
        // Committed pages were not read again, and there is one run.
        expect(feed.requests.map((r) => r.path)).toEqual(['/page-0004.json']);
        expect(await app.db.query('SELECT count(*)::int AS runs FROM sync_runs')).toEqual([{ runs: 1 }]);
        const [{ updates }] = await app.db.query('SELECT count(*)::int AS updates FROM updates');
        expect(updates).toBe(sampleUpdates.size);
      } finally {
        await queue.close();
        await app.close();
      }
    });

    it('the API never logs passwords or tokens, and on SIGTERM finishes the requests in flight before it exits', async () => {
      const api = await startApi({ LOG_LEVEL: 'trace' });
      const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(api.output())![1]);
      const http = new HttpClient(`http://127.0.0.1:${port}`);
      const client = { http } as TestApp;

      const login = await http.post('/api/v1/auth/login', TEST_ADMIN);
      const jwt = login.body.accessToken as string;
      expect((await http.post('/api/v1/auth/login', { ...TEST_ADMIN, password: 'a-wrong-password-1234' })).status).toBe(401);
      const apiToken = (await http.post('/api/v1/api-tokens', { name: 'ci', role: 'auditor' }, { token: jwt })).body.token as string;
      expect((await http.get('/api/v1/updates', { token: apiToken })).status).toBe(200);
      const enrollment = await createEnrollmentKey(client, jwt);
      const registered = await http.post('/client/v1/register', registrationBody(enrollment.key));
      const computerToken = registered.body.token as string;
      expect((await http.post('/client/v1/checkin', {}, { token: computerToken })).status).toBe(200);
      expect((await http.get('/api/v1/users', { token: `${apiToken}x` })).status).toBe(401);

      await api.waitFor(/\/api\/v1\/users/);
      const secrets = [TEST_ADMIN.password, 'a-wrong-password-1234', jwt, apiToken, enrollment.key, computerToken, env.env.JWT_SECRET];
      for (const secret of secrets) expect(api.output()).not.toContain(secret);
      expect(api.output()).toContain('/api/v1/auth/login');

      // A request whose headers the server has (it answered 100 Continue) and whose body is still coming.
      const name = `drained-${randomUUID().slice(0, 8)}`;
      const body = JSON.stringify({ name });
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(
        `POST /api/v1/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${jwt}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
      );
      await eventually(async () => answer, (text) => text.startsWith('HTTP/1.1 100'));

      api.child.kill('SIGTERM');
      await api.waitFor(/SIGTERM: shutting down/);
      // The listener is closed: no new connection gets in.
      await eventually(() => connectionRefused(port), (refused) => refused);
      // Shutdown waits for the request in flight before it closes the pools and exits.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(api.child.exitCode).toBeNull();
      // Not end(): a client that half-closes before its answer has its request aborted by Node.
      socket.write(body);
      await closed;
      expect(answer).toMatch(/HTTP\/1\.1 201/);
      expect(await api.exited).toEqual({ code: 0, signal: null });
      const app = await startTestApp({ environment: env });
      try {
        expect(await app.db.query('SELECT count(*)::int AS n FROM computer_groups WHERE name = $1', [name])).toEqual([{ n: 1 }]);
      } finally {
        await app.close();
      }
    });
  });
});

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe: Socket = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', () => resolve(true));
  });
}
