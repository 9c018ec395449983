import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { AgentRunner } from '../../src/agent/agent-runner';
import { StateDir } from '../../src/agent/agent-state';
import { registerAgent } from '../../src/agent/registration';
import { Role } from '../../src/common/auth/role';
import { QueueName } from '../../src/infra/queue/queue-names';
import { ContentService } from '../../src/modules/content/content.service';
import { approve } from '../factories/approvals.factory';
import { feedItem, syncFeedItems, syncSampleCatalog } from '../factories/catalog.factory';
import { createEnrollmentKey, registerComputer, RegisteredComputer } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { userWithRole } from '../factories/users.factory';
import { eventually } from '../support/eventually';
import { sample, scrapeMetrics } from '../support/prometheus';
import { FeedServer } from '../support/feed-server';
import { openQueue } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

interface OfferedFile {
  name: string;
  url: string;
  sha256: string;
  size: number;
}

interface Offered {
  updateId: string;
  action: string;
  files: OfferedFile[];
}

const WINDOWS = { osFamily: ['windows'], arch: ['x64'] };
const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('content store: files downloaded once, verified, served to the computers offered them', () => {
  let app: TestApp;
  let feed: FeedServer;
  let queue: Queue;
  let admin: string;

  /** Serves `bytes` upstream at `files/<name>` and describes it as a feed's file entry (declaring `declared`'s hash and size). */
  const upstreamFile = (name: string, bytes: Buffer, declared: Buffer = bytes, options: { ranges?: boolean } = {}): OfferedFile => {
    feed.setFile(`files/${name}`, bytes, options);
    return { name, url: feed.url(`files/${name}`), sha256: sha256Of(declared), size: declared.length };
  };
  const requestsFor = (name: string) => feed.requestsFor(`files/${name}`);
  const newUpdate = (files: OfferedFile[]) => insertUpdate(app.db, { files, applicability: WINDOWS });
  const group = async () => (await createGroup(app, admin)).id;

  const checkIn = async (pc: RegisteredComputer): Promise<Offered[]> => {
    const res = await app.http.post('/client/v1/checkin', {}, { token: pc.token });
    expect(res.status).toBe(200);
    return res.body.updates;
  };
  const offerOf = async (pc: RegisteredComputer, updateId: string) => (await checkIn(pc)).find((u) => u.updateId === updateId);
  const contentOf = async (updateId: string, groupId: string) => {
    const res = await app.http.get(`/api/v1/approvals?updateId=${updateId}&groupId=${groupId}`, { token: admin });
    return res.body.items[0]?.content as string | null | undefined;
  };
  const status = async () => (await app.http.get('/api/v1/content/status', { token: admin })).body;
  const fetchFile = async (sha256: string, token: string | undefined, headers: Record<string, string> = {}, method = 'GET') => {
    const res = await fetch(`${app.http.baseUrl}/content/v1/files/${sha256}`, { method, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const storedCopies = (sha256: string): string[] => {
    const dir = join(app.config.content.dir, 'files', sha256.slice(0, 2));
    return existsSync(dir) ? readdirSync(dir).filter((name) => name === sha256) : [];
  };
  const partialCopy = (sha256: string) => existsSync(join(app.config.content.dir, 'partial', sha256));
  /** Waits until the content queue has nothing waiting, delayed or running: whatever was enqueued has been handled. */
  const queueSettled = () =>
    eventually(
      () => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      (counts) => Object.values(counts).every((n) => n === 0),
    );
  const waitForContent = (updateId: string, groupId: string, state: string) => eventually(() => contentOf(updateId, groupId), (c) => c === state);

  beforeAll(async () => {
    feed = await FeedServer.start();
    app = await startTestApp({
      withWorker: true,
      env: { PATCHGATE_CONTENT_MODE: 'on_approval', PATCHGATE_CONTENT_RETRY_DELAY_MS: '50', PATCHGATE_CONTENT_ATTEMPTS: '5' },
    });
    queue = openQueue(app, QueueName.Content);
    admin = await app.login();
  }, 120_000);

  afterAll(async () => {
    await queue.close();
    await app.close();
    await feed.close();
  });

  describe('an approved update', () => {
    const payload = randomBytes(200 * 1024 + 17);
    const sha256 = sha256Of(payload);
    let groupId: string;
    let pc: RegisteredComputer;
    let updateId: string;

    beforeAll(async () => {
      groupId = await group();
      pc = await registerComputer(app, admin, { groupId });
      updateId = await newUpdate([upstreamFile('approved.bin', payload)]);
    });

    it('is offered only once its file is stored, with a Patchgate URL, fetched from the upstream once', async () => {
      // The first upstream request hangs: the file is wanted but not there yet.
      feed.answerWith((r) => (r.path === '/files/approved.bin' && r.count === 1 ? { hang: true } : undefined));
      await approve(app, admin, { updateId, groupId, decision: 'install' });
      await eventually(async () => requestsFor('approved.bin').length, (n) => n === 1);
      expect(await contentOf(updateId, groupId)).toBe('pending');
      expect(await offerOf(pc, updateId)).toBeUndefined();
      expect((await status()).files.pending).toBeGreaterThanOrEqual(1);

      // The hung request dies; the retry brings the file in.
      feed.releaseAll();
      await waitForContent(updateId, groupId, 'stored');
      const offered = await offerOf(pc, updateId);
      expect(offered?.files).toEqual([{ name: 'approved.bin', url: `${app.http.baseUrl}/content/v1/files/${sha256}`, sha256, size: payload.length }]);
      expect(storedCopies(sha256)).toHaveLength(1);
      expect(readFileSync(join(app.config.content.dir, 'files', sha256.slice(0, 2), sha256)).equals(payload)).toBe(true);
      expect(partialCopy(sha256)).toBe(false);
      const upstreamRequests = requestsFor('approved.bin').length;
      expect(upstreamRequests).toBe(2);

      // More groups and computers wanting it cost the upstream nothing more.
      const second = await group();
      const pc2 = await registerComputer(app, admin, { groupId: second });
      await approve(app, admin, { updateId, groupId: second, decision: 'install' });
      await queueSettled();
      expect((await offerOf(pc2, updateId))?.files[0].url).toBe(`${app.http.baseUrl}/content/v1/files/${sha256}`);
      expect((await fetchFile(sha256, pc2.token)).bytes.equals(payload)).toBe(true);
      expect(requestsFor('approved.bin')).toHaveLength(upstreamRequests);
      const { body } = await app.http.get(`/api/v1/approvals?updateId=${updateId}`, { token: admin });
      expect(body.items.map((a: { content: string }) => a.content)).toEqual(['stored', 'stored']);
    });

    it('serves the file whole, by range, and its headers to a computer offered it', async () => {
      const whole = await fetchFile(sha256, pc.token);
      expect(whole.status).toBe(200);
      expect(whole.bytes.equals(payload)).toBe(true);
      expect(whole.headers.get('etag')).toBe(`"${sha256}"`);
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(whole.headers.get('content-length')).toBe(String(payload.length));

      const slice = await fetchFile(sha256, pc.token, { range: 'bytes=1000-4999' });
      expect(slice.status).toBe(206);
      expect(slice.headers.get('content-range')).toBe(`bytes 1000-4999/${payload.length}`);
      expect(slice.headers.get('content-length')).toBe('4000');
      expect(slice.bytes.equals(payload.subarray(1000, 5000))).toBe(true);

      const tail = await fetchFile(sha256, pc.token, { range: `bytes=${payload.length - 10}-` });
      expect(tail.status).toBe(206);
      expect(tail.bytes.equals(payload.subarray(payload.length - 10))).toBe(true);

      const beyond = await fetchFile(sha256, pc.token, { range: `bytes=${payload.length}-` });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${payload.length}`);

      const head = await fetchFile(sha256, pc.token, {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(payload.length));
      expect(head.bytes.length).toBe(0);
    });

    it('answers 404 to a computer whose offer lacks the file, and 401 without a computer token', async () => {
      const outsider = await registerComputer(app, admin, { groupId: await group() });
      const denied = await fetchFile(sha256, outsider.token);
      expect(denied.status).toBe(404);
      expect(denied.bytes.includes(payload.subarray(0, 64))).toBe(false);
      expect((await fetchFile(sha256Of(randomBytes(8)), pc.token)).status).toBe(404);
      expect((await fetchFile(sha256, undefined)).status).toBe(401);
      expect((await fetchFile(sha256, admin)).status).toBe(401);
    });

    it('is no longer served once its install approval is gone, and the clean-up deletes the unneeded file', async () => {
      const { body } = await app.http.get(`/api/v1/approvals?updateId=${updateId}`, { token: admin });
      for (const approval of body.items) await approve(app, admin, { updateId, groupId: approval.groupId, decision: 'none' });
      expect((await fetchFile(sha256, pc.token)).status).toBe(404);

      const result = await app.app.get(ContentService, { strict: false }).deleteUnneededFiles({ limit: 100 });
      expect(result.deleted).toBeGreaterThanOrEqual(1);
      expect(result.bytes).toBeGreaterThanOrEqual(payload.length);
      expect(storedCopies(sha256)).toHaveLength(0);
      expect(await app.db.query('SELECT 1 FROM content_files WHERE sha256 = $1', [sha256])).toHaveLength(0);
    });
  });

  it('stores a file shared by two updates once: one upstream request, one stored object', async () => {
    const shared = randomBytes(48 * 1024);
    const own = randomBytes(1024);
    const groupId = await group();
    const pc = await registerComputer(app, admin, { groupId });
    const first = await newUpdate([upstreamFile('shared.bin', shared)]);
    const second = await newUpdate([upstreamFile('shared-copy.bin', shared), upstreamFile('own.bin', own)]);
    const res = await app.http.post(
      '/api/v1/approvals/bulk',
      { items: [first, second].map((updateId) => ({ updateId, groupId, decision: 'install' })) },
      { token: admin },
    );
    expect(res.status).toBe(200);
    await waitForContent(first, groupId, 'stored');
    await waitForContent(second, groupId, 'stored');
    expect(requestsFor('shared.bin').length + requestsFor('shared-copy.bin').length).toBe(1);
    expect(await app.db.query('SELECT 1 FROM content_files WHERE sha256 = $1', [sha256Of(shared)])).toHaveLength(1);
    expect(storedCopies(sha256Of(shared))).toHaveLength(1);
    const offered = (await checkIn(pc)).filter((u) => u.updateId === first || u.updateId === second);
    expect(offered).toHaveLength(2);
    expect(new Set(offered.flatMap((u) => u.files.map((f) => f.url))).size).toBe(2);
  });

  it('never serves nor offers a file whose bytes do not match its sha256, reports it, and retries only for a new revision', async () => {
    const good = randomBytes(20 * 1024);
    const bad = Buffer.from(good);
    bad[100] ^= 0xff;
    const groupId = await group();
    const pc = await registerComputer(app, admin, { groupId });
    const file = upstreamFile('corrupt.bin', bad, good);
    const item = feedItem({ files: [file], applicability: WINDOWS });
    expect((await syncFeedItems(app, admin, [[item]])).status).toBe('succeeded');
    await approve(app, admin, { updateId: item.updateId, groupId, decision: 'install' });

    await waitForContent(item.updateId, groupId, 'failed');
    const report = await status();
    expect(report.files.failed).toBeGreaterThanOrEqual(1);
    expect(report.failures).toContainEqual(
      expect.objectContaining({ sha256: file.sha256, updateId: item.updateId, revision: 1, url: file.url, reason: expect.stringContaining('verification failed') }),
    );
    expect(await offerOf(pc, item.updateId)).toBeUndefined();
    expect((await fetchFile(file.sha256, pc.token)).status).toBe(404);
    expect(storedCopies(file.sha256)).toHaveLength(0);
    expect(partialCopy(file.sha256)).toBe(false);
    expect(requestsFor('corrupt.bin')).toHaveLength(1);
    const metrics = await scrapeMetrics(app.http.baseUrl);
    expect(sample(metrics, 'patchgate_content_download_failures_total')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'patchgate_content_files', { status: 'failed' })).toBeGreaterThanOrEqual(1);

    // Asking again for the same revision (another group approves it) does not download again.
    await approve(app, admin, { updateId: item.updateId, groupId: await group(), decision: 'install' });
    await queueSettled();
    expect(requestsFor('corrupt.bin')).toHaveLength(1);

    // The upstream fixes the file and publishes a new revision: the sync has it fetched again.
    feed.setFile('files/corrupt.bin', good);
    const run = await syncFeedItems(app, admin, [[item, { ...item, revision: 2, title: `${item.title} (re-released)` }]]);
    expect(run).toMatchObject({ status: 'succeeded', revisedUpdates: 1 });
    await waitForContent(item.updateId, groupId, 'stored');
    expect(requestsFor('corrupt.bin')).toHaveLength(2);
    expect((await fetchFile(file.sha256, pc.token)).bytes.equals(good)).toBe(true);
    expect(sample(await scrapeMetrics(app.http.baseUrl), 'patchgate_content_bytes_stored')).toBeGreaterThanOrEqual(good.length);
    expect((await status()).failures.map((f: { sha256: string }) => f.sha256)).not.toContain(file.sha256);
  });

  it.each([
    ['resumes with Range from the bytes it kept', true],
    ['starts over when the upstream ignores Range', false],
  ])('a download cut off halfway %s, and only the whole, verified file becomes visible', async (_name, ranges) => {
    const payload = randomBytes(512 * 1024);
    const name = `interrupted-${ranges}.bin`;
    const groupId = await group();
    const pc = await registerComputer(app, admin, { groupId });
    const file = upstreamFile(name, payload, payload, { ranges });
    const updateId = await newUpdate([file]);
    feed.answerWith((r) => (r.path === `/files/${name}` && r.count === 1 ? { dropAfter: payload.length / 2 } : undefined));
    await approve(app, admin, { updateId, groupId, decision: 'install' });

    await waitForContent(updateId, groupId, 'stored');
    const requests = requestsFor(name);
    expect(requests).toHaveLength(2);
    expect(requests[0].headers.range).toBeUndefined();
    // The retry asks for the rest: whatever the first attempt kept.
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(String(requests[1].headers.range))?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(payload.length / 2);
    expect((await fetchFile(file.sha256, pc.token)).bytes.equals(payload)).toBe(true);
    expect(partialCopy(file.sha256)).toBe(false);
    feed.answerWith(null);
  });

  it('an agent downloads the stored files from Patchgate with its token and installs them (dry run)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'pg-content-agent-'));
    try {
      const groupId = await group();
      const payload = randomBytes(10 * 1024);
      const file = upstreamFile('agent.bin', payload);
      const updateId = await insertUpdate(app.db, { files: [file], applicability: { osFamily: ['linux'], arch: ['x64'] } });
      const { key } = await createEnrollmentKey(app, admin, { groupId });
      const stateDir = new StateDir(join(work, 'state'));
      await registerAgent(stateDir, { server: app.http.baseUrl, enrollmentKey: key, facts: { hostname: 'content-agent', os: { family: 'linux', version: '6.8.0' }, arch: 'x64' } });
      await approve(app, admin, { updateId, groupId, decision: 'install' });
      await waitForContent(updateId, groupId, 'stored');
      const before = requestsFor('agent.bin').length;

      const installed = join(work, 'installed.bin');
      const result = await new AgentRunner(stateDir, { installCmd: `cat {file} > '${installed}'`, log: () => undefined, logError: () => undefined }).cycle();
      expect(result).toMatchObject({ outcome: 'offer', installed: 1, failed: 0 });
      expect(readFileSync(installed).equals(payload)).toBe(true);
      // From Patchgate, not from the upstream.
      expect(requestsFor('agent.bin')).toHaveLength(before);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('fetches the files of updates an automatic approval rule approves', async () => {
    const groupId = await group();
    const payload = randomBytes(4096);
    const product = `Content/Rule test ${randomBytes(3).toString('hex')}`;
    const updateId = await insertUpdate(app.db, { files: [upstreamFile('ruled.bin', payload)], applicability: WINDOWS, products: [product] });
    const rule = await app.http.post('/api/v1/approval-rules', { name: `content ${product}`, products: [product], groupIds: [groupId] }, { token: admin });
    expect(rule.status).toBe(201);
    expect((await app.http.post(`/api/v1/approval-rules/${rule.body.id}/apply`, undefined, { token: admin })).status).toBeLessThan(300);
    await waitForContent(updateId, groupId, 'stored');
    expect(requestsFor('ruled.bin')).toHaveLength(1);
  });

  describe('the mode', () => {
    it('is read by every role and set by admins only', async () => {
      const auditor = await userWithRole(app, Role.Auditor, admin);
      const read = await app.http.get('/api/v1/content/config', { token: auditor.token });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ mode: 'on_approval', explicit: false });
      expect((await app.http.put('/api/v1/content/config', { mode: 'none' }, { token: auditor.token })).status).toBe(403);
      expect((await app.http.put('/api/v1/content/config', { mode: 'everything' }, { token: admin })).status).toBe(400);
      expect((await app.http.get('/api/v1/content/status', { token: auditor.token })).status).toBe(200);
    });

    it('`none` offers approved updates at once with their upstream URLs; `all` stores every synced file', async () => {
      const groupId = await group();
      const pc = await registerComputer(app, admin, { groupId });
      feed.answerWith((r) => (r.path === '/files/unstorable.bin' ? { status: 500 } : undefined));
      const unstorable = upstreamFile('unstorable.bin', randomBytes(512));
      const updateId = await newUpdate([unstorable]);
      await approve(app, admin, { updateId, groupId, decision: 'install' });
      await waitForContent(updateId, groupId, 'failed');
      expect(await offerOf(pc, updateId)).toBeUndefined();

      const set = await app.http.put('/api/v1/content/config', { mode: 'none' }, { token: admin });
      expect(set.body).toMatchObject({ mode: 'none', explicit: true, updatedBy: 'admin' });
      expect((await offerOf(pc, updateId))?.files).toEqual([unstorable]);
      expect(await contentOf(updateId, groupId)).toBeNull();

      // `all`: a file no one approved is stored too.
      const unapproved = randomBytes(2048);
      const other = upstreamFile('unapproved.bin', unapproved);
      await newUpdate([other]);
      await app.http.put('/api/v1/content/config', { mode: 'all' }, { token: admin });
      await eventually(() => app.db.query(`SELECT status FROM content_files WHERE sha256 = $1`, [other.sha256]), (rows) => rows[0]?.status === 'stored');
      expect(storedCopies(other.sha256)).toHaveLength(1);
      feed.answerWith(null);
      expect((await app.http.put('/api/v1/content/config', { mode: 'on_approval' }, { token: admin })).status).toBe(200);
    });
  });

  it('stores the sample feed’s payloads from its file:// URLs: the quick start needs no internet', async () => {
    expect((await syncSampleCatalog(app, admin)).status).toBe('succeeded');
    const [update]: { update_id: string; files: OfferedFile[] }[] = await app.db.query(
      `SELECT update_id, files FROM updates
        WHERE state = 'active' AND jsonb_array_length(files) > 1
          AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(files) f WHERE f->>'url' NOT LIKE 'file://%')
        ORDER BY update_id LIMIT 1`,
    );
    expect(update).toBeDefined();
    const groupId = await group();
    await approve(app, admin, { updateId: update.update_id, groupId, decision: 'install' });
    await waitForContent(update.update_id, groupId, 'stored');
    for (const file of update.files) {
      const stored = readFileSync(join(app.config.content.dir, 'files', file.sha256.slice(0, 2), file.sha256));
      expect(stored.equals(readFileSync(fileURLToPath(file.url)))).toBe(true);
    }
  });
});
