import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import passport from 'passport';
import { Role } from '../../src/common/auth/role';
import { ApiTokenStrategy } from '../../src/modules/auth/strategies/api-token.strategy';
import { JwtStrategy } from '../../src/modules/auth/strategies/jwt.strategy';
import { FeedItem } from '../../scripts/feed/feed-item';
import { ALL_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { approve } from '../factories/approvals.factory';
import { currentRevisions, feedItem, readSampleFeed, SAMPLE_FEED_DIR, writeFeedDirectory } from '../factories/catalog.factory';
import { registerComputer } from '../factories/computers.factory';
import { userWithRole } from '../factories/users.factory';
import { eventually } from '../support/eventually';
import { FeedServer } from '../support/feed-server';
import { catalogChecksum, configureUpstream, runSync } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const samplePages = readSampleFeed();
const sampleItems = samplePages.flatMap((p) => p.items);
const sampleUpdates = currentRevisions(sampleItems);

/**
 * Passport keeps one strategy registry per process, so of two APIs in this test process the one
 * started last would authenticate callers of both. Before talking to `app` as a user, give it back.
 */
function authenticateWith(app: TestApp): void {
  passport.use('jwt', app.app.get(JwtStrategy, { strict: false }));
  passport.use('api-token', app.app.get(ApiTokenStrategy, { strict: false }));
}

/** A head office (upstream) and a branch office (downstream) Patchgate server. */
describe('a Patchgate server as the upstream of another', () => {
  let feed: FeedServer;
  let upstream: TestApp;
  let downstream: TestApp;
  let upstreamAdmin: string;
  let downstreamAdmin: string;
  let downstreamToken: string;
  let downstreamTokenId: string;
  let catalogUrl: string;

  beforeAll(async () => {
    feed = await FeedServer.start();
    feed.serveDirectory(SAMPLE_FEED_DIR);
    [upstream, downstream] = await Promise.all([startTestApp({ withWorker: true }), startTestApp({ withWorker: true })]);
    [upstreamAdmin, downstreamAdmin] = await Promise.all([upstream.login(), downstream.login()]);
    authenticateWith(upstream);
    // Over HTTP, so the payloads' relative URLs resolve to http:// URLs a downstream accepts.
    await configureUpstream(upstream, upstreamAdmin, { kind: 'feed', url: feed.url('index.json') });
    expect((await runSync(upstream, upstreamAdmin)).status).toBe('succeeded');
    catalogUrl = `${upstream.http.baseUrl}/upstream/v1/catalog`;
  });
  afterAll(async () => {
    await Promise.all([upstream?.close(), downstream?.close()]);
    await feed.close();
  });

  describe('downstream tokens', () => {
    it('are created by admins, shown once, stored hashed, and listed without the secret', async () => {
      const created = await upstream.http.post('/api/v1/downstream-tokens', { name: 'branch-lyon' }, { token: upstreamAdmin });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), name: 'branch-lyon', token: expect.stringMatching(/^pgd_[A-Za-z0-9_-]{40,}$/), lastUsedAt: null, revokedAt: null });
      downstreamToken = created.body.token;
      downstreamTokenId = created.body.id;
      const [row] = await upstream.db.query('SELECT token_hash FROM downstream_tokens WHERE id = $1', [downstreamTokenId]);
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toContain(downstreamToken);
      const list = await upstream.http.get('/api/v1/downstream-tokens', { token: upstreamAdmin });
      expect(list.body.items).toEqual([expect.objectContaining({ id: downstreamTokenId, name: 'branch-lyon' })]);
      expect(list.text).not.toContain(downstreamToken);
    });

    it('only admins manage them', async () => {
      const auditor = await userWithRole(upstream, Role.Auditor, upstreamAdmin);
      expect((await upstream.http.post('/api/v1/downstream-tokens', { name: 'x' }, { token: auditor.token })).status).toBe(403);
      expect((await upstream.http.get('/api/v1/downstream-tokens', { token: auditor.token })).status).toBe(403);
      expect((await upstream.http.post('/api/v1/downstream-tokens', { name: '' }, { token: upstreamAdmin })).status).toBe(400);
    });
  });

  describe('GET /upstream/v1/catalog', () => {
    it('answers only a live downstream token', async () => {
      const apiToken = (await upstream.http.post('/api/v1/api-tokens', { name: 'automation', role: 'admin' }, { token: upstreamAdmin })).body.token;
      for (const token of [undefined, upstreamAdmin, apiToken, `${downstreamToken}x`, 'pgd_forged']) {
        const res = await upstream.http.get('/upstream/v1/catalog', { token });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('serves every stored revision in change order, then an empty page with a null cursor', async () => {
      const first = await upstream.http.get('/upstream/v1/catalog?limit=500', { token: downstreamToken });
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toContain('application/json');
      expect(first.body.items).toHaveLength(sampleItems.length);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      // File URLs are absolute: the upstream resolved the relative ones when it synced.
      const urls: string[] = first.body.items.flatMap((i: FeedItem) => i.files.map((f) => f.url));
      expect(urls.every((u) => /^https?:\/\//.test(u))).toBe(true);
      expect(urls).toContain(feed.url('payloads/collect-diagnostics.sh'));

      const paged: FeedItem[] = [];
      let since: string | null = null;
      do {
        const res: { body: { items: FeedItem[]; nextCursor: string | null } } = await upstream.http.get(
          `/upstream/v1/catalog?limit=100${since ? `&since=${encodeURIComponent(since)}` : ''}`,
          { token: downstreamToken },
        );
        if (res.body.items.length) expect(res.body.nextCursor).not.toBeNull();
        paged.push(...res.body.items);
        since = res.body.nextCursor;
      } while (since !== null);
      expect(paged.map((i) => `${i.updateId}:${i.revision}`)).toEqual(first.body.items.map((i: FeedItem) => `${i.updateId}:${i.revision}`));

      const [token] = await upstream.db.query('SELECT last_used_at FROM downstream_tokens WHERE id = $1', [downstreamTokenId]);
      expect(token.last_used_at).not.toBeNull();
    });

    it('refuses a bad limit or a cursor it did not issue with 400 problem+json', async () => {
      // The last: a well-formed cursor from the future, as a downstream of a restored server holds.
      const ahead = Buffer.from('["9000000000"]').toString('base64url');
      for (const query of ['limit=0', 'limit=501', 'limit=ten', 'since=bogus', `since=${Buffer.from('["12; DROP"]').toString('base64url')}`, `since=${ahead}`]) {
        const res = await upstream.http.get(`/upstream/v1/catalog?${query}`, { token: downstreamToken });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    });
  });

  describe('a downstream server', () => {
    let firstCursor: string | null;

    beforeEach(() => authenticateWith(downstream));

    it('refuses a patchgate upstream without a token', async () => {
      const res = await downstream.http.put('/api/v1/sync/config', { upstream: { kind: 'patchgate', url: catalogUrl } }, { token: downstreamAdmin });
      expect(res.status).toBe(400);
    });

    it('syncs the upstream catalog into the same catalog', async () => {
      await configureUpstream(downstream, downstreamAdmin, { kind: 'patchgate', url: catalogUrl, token: downstreamToken });
      const run = await runSync(downstream, downstreamAdmin);
      expect(run).toMatchObject({
        status: 'succeeded',
        upstream: { kind: 'patchgate', url: catalogUrl },
        newUpdates: sampleUpdates.size,
        itemErrorCount: 0,
        cursorBefore: null,
        cursorAfter: expect.any(String),
        progress: { itemsProcessed: sampleItems.length },
      });
      expect(run.upstream).not.toHaveProperty('token');
      firstCursor = run.cursorAfter;
      expect(await catalogChecksum(downstream.db)).toEqual(await catalogChecksum(upstream.db));
    });

    it('then fetches only what changed upstream since its last sync', async () => {
      // The head office's feed moves on: a new revision, an expiry in place, a new update.
      const [revisedItem, expiringItem] = samplePages[0].items.filter((i) => i.files.every((f) => /^https?:/.test(f.url)) && sampleUpdates.get(i.updateId)!.revision === 1 && i.state === 'active');
      const added = feedItem({ title: 'Out-of-band security update', classification: 'security', severity: 'critical' });
      const changedPages = samplePages.map((p, n) => {
        const items: FeedItem[] = p.items.map((i) => (i.updateId === expiringItem.updateId ? { ...i, state: 'expired' } : i));
        if (n === samplePages.length - 1) items.push({ ...revisedItem, revision: 2, title: `${revisedItem.title} (v2)` }, added);
        return { items, nextCursor: p.nextCursor };
      });
      changedPages.forEach((p, n) => feed.setPage(n === 0 ? 'index.json' : `page-${String(n + 1).padStart(4, '0')}.json`, p));
      authenticateWith(upstream);
      const upstreamRun = await runSync(upstream, upstreamAdmin);
      expect(upstreamRun).toMatchObject({ status: 'succeeded', newUpdates: 1, revisedUpdates: 1, expiredUpdates: 1 });
      authenticateWith(downstream);

      const run = await runSync(downstream, downstreamAdmin);
      expect(run).toMatchObject({
        status: 'succeeded',
        cursorBefore: firstCursor,
        newUpdates: 1,
        revisedUpdates: 1,
        expiredUpdates: 1,
        unchangedUpdates: 0,
        itemErrorCount: 0,
        // the revision, the expired revision, the new update: nothing else travelled
        progress: { itemsProcessed: 3 },
      });
      expect(run.cursorAfter).not.toBe(firstCursor);
      expect(await catalogChecksum(downstream.db)).toEqual(await catalogChecksum(upstream.db));

      const idle = await runSync(downstream, downstreamAdmin);
      expect(idle).toMatchObject({ status: 'succeeded', cursorBefore: run.cursorAfter, cursorAfter: run.cursorAfter, progress: { itemsProcessed: 0 } });
    });

    it('starts over when the upstream no longer accepts its cursor', async () => {
      await downstream.db.query(`UPDATE sync_runs SET cursor_after = $1 WHERE status = 'succeeded'`, [Buffer.from('["99999999999999"x').toString('base64url')]);
      const rejected = await runSync(downstream, downstreamAdmin);
      expect(rejected.status).toBe('failed');
      expect(rejected.error).toMatch(/: HTTP 400 Bad Request; the upstream rejected the stored cursor, so the next sync starts from the beginning$/);
      expect(rejected.cursorAfter).toBeNull();
      const again = await runSync(downstream, downstreamAdmin);
      expect(again).toMatchObject({ status: 'succeeded', cursorBefore: null, newUpdates: 0, unchangedUpdates: sampleUpdates.size + 1 });
      expect(await catalogChecksum(downstream.db)).toEqual(await catalogChecksum(upstream.db));
    });

    it('fails its sync with the upstream\'s 401 once the token is revoked', async () => {
      authenticateWith(upstream);
      expect((await upstream.http.delete(`/api/v1/downstream-tokens/${downstreamTokenId}`, { token: upstreamAdmin })).status).toBe(204);
      expect((await upstream.http.delete('/api/v1/downstream-tokens/6b1c6a31-55b5-4c1e-9a57-1b8c3b8a1f00', { token: upstreamAdmin })).status).toBe(404);
      const listed = await upstream.http.get('/api/v1/downstream-tokens', { token: upstreamAdmin });
      expect(listed.body.items[0].revokedAt).not.toBeNull();
      authenticateWith(downstream);
      const run = await runSync(downstream, downstreamAdmin);
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(new RegExp(`^GET ${catalogUrl}\\?.*: HTTP 401 Unauthorized`));
    });
  });
});

/**
 * A head office whose updates' files live on its own disk (a file:// feed, as the bundled sample in
 * local mode): a branch office takes them from the head office's content store.
 */
describe('a downstream server taking files that live on its upstream', () => {
  let upstream: TestApp;
  let downstream: TestApp;
  let upstreamAdmin: string;
  let downstreamAdmin: string;
  let downstreamToken: string;
  const payload = randomBytes(48 * 1024);
  const sha256 = createHash('sha256').update(payload).digest('hex');
  let updateId: string;

  const storedAt = (app: TestApp) => app.db.query('SELECT status FROM content_files WHERE sha256 = $1', [sha256]);

  beforeAll(async () => {
    [upstream, downstream] = await Promise.all([startTestApp({ withWorker: true }), startTestApp({ withWorker: true })]);
    [upstreamAdmin, downstreamAdmin] = await Promise.all([upstream.login(), downstream.login()]);
    authenticateWith(upstream);
    const item = feedItem({ files: [{ name: 'tool.msu', url: 'file:///placeholder', sha256, size: payload.length }] });
    updateId = item.updateId;
    const feedUrl = writeFeedDirectory([[item]]);
    const payloadPath = join(dirname(fileURLToPath(feedUrl)), 'tool.msu');
    writeFileSync(payloadPath, payload);
    item.files[0].url = pathToFileURL(payloadPath).href;
    writeFileSync(fileURLToPath(feedUrl), JSON.stringify({ items: [item], nextCursor: null }));
    await configureUpstream(upstream, upstreamAdmin, { kind: 'feed', url: feedUrl });
    expect((await runSync(upstream, upstreamAdmin)).status).toBe('succeeded');
    // The head office stores the file once approved.
    expect((await upstream.http.put('/api/v1/content/config', { mode: 'on_approval' }, { token: upstreamAdmin })).status).toBe(200);
    await approve(upstream, upstreamAdmin, { updateId, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' });
    await eventually(() => storedAt(upstream), (rows) => rows[0]?.status === 'stored', 30_000);
    downstreamToken = (await upstream.http.post('/api/v1/downstream-tokens', { name: 'branch' }, { token: upstreamAdmin })).body.token;
  });
  afterAll(async () => {
    // One after the other: the downstream's worker may still be talking to the upstream.
    await downstream?.close();
    await upstream?.close();
  }, 120_000); // two servers, each with its worker, stopped in turn: slow on a loaded machine

  it('the upstream catalog offers the file at the upstream\'s own content URL, which answers the downstream token only', async () => {
    const page = await upstream.http.get('/upstream/v1/catalog?limit=500', { token: downstreamToken });
    const offered = page.body.items.find((i: FeedItem) => i.updateId === updateId);
    const contentUrl = `${upstream.http.baseUrl}/content/v1/files/${sha256}`;
    expect(offered.files).toEqual([{ name: 'tool.msu', url: contentUrl, sha256, size: payload.length }]);

    const download = await fetch(contentUrl, { headers: { authorization: `Bearer ${downstreamToken}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(payload)).toBe(true);
    for (const token of [undefined, upstreamAdmin, 'pgd_forged', `${downstreamToken}x`]) {
      expect((await upstream.http.get(`/content/v1/files/${sha256}`, { token })).status).toBe(401);
    }
    expect((await upstream.http.get(`/content/v1/files/${'0'.repeat(64)}`, { token: downstreamToken })).status).toBe(404);
  });

  it('the downstream syncs the update (no file: URL refused), stores the file from its upstream and offers it to its computers', async () => {
    authenticateWith(downstream);
    await configureUpstream(downstream, downstreamAdmin, { kind: 'patchgate', url: `${upstream.http.baseUrl}/upstream/v1/catalog`, token: downstreamToken });
    const run = await runSync(downstream, downstreamAdmin);
    expect(run).toMatchObject({ status: 'succeeded', newUpdates: 1, itemErrorCount: 0 });

    expect((await downstream.http.put('/api/v1/content/config', { mode: 'on_approval' }, { token: downstreamAdmin })).status).toBe(200);
    const pc = await registerComputer(downstream, downstreamAdmin);
    await approve(downstream, downstreamAdmin, { updateId, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' });
    await eventually(() => storedAt(downstream), (rows) => rows[0]?.status === 'stored', 30_000);

    const offer = await downstream.http.post('/client/v1/checkin', {}, { token: pc.token });
    const [update] = offer.body.updates.filter((u: { updateId: string }) => u.updateId === updateId);
    expect(update.files).toEqual([expect.objectContaining({ url: `${downstream.http.baseUrl}/content/v1/files/${sha256}`, sha256 })]);
    const bytes = Buffer.from(await (await fetch(`${downstream.http.baseUrl}/content/v1/files/${sha256}`, { headers: { authorization: `Bearer ${pc.token}` } })).arrayBuffer());
    expect(bytes.equals(payload)).toBe(true);
  });
});
