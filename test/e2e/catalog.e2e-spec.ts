import { Role } from '../../src/common/auth/role';
import { FeedItem } from '../../scripts/feed/feed-item';
import { currentRevisions, feedItem, readSampleFeed, syncFeedItems, syncSampleCatalog } from '../factories/catalog.factory';
import { userWithRole } from '../factories/users.factory';
import { startTestApp, TestApp } from '../support/test-app';

interface Summary {
  updateId: string;
  revision: number;
  title: string;
  kb: string[];
  classification: string;
  products: string[];
  severity: string | null;
  releasedAt: string;
  state: string;
  declined: boolean;
}

const sampleItems = readSampleFeed().flatMap((p) => p.items);
const current = currentRevisions(sampleItems);
const expiredIds = new Set(sampleItems.filter((i) => i.state === 'expired').map((i) => i.updateId));

/** The catalog's list order: newest release first, ties by updateId. */
const byListOrder = (a: { releasedAt: string; updateId: string }, b: { releasedAt: string; updateId: string }) =>
  Date.parse(b.releasedAt) - Date.parse(a.releasedAt) || (a.updateId < b.updateId ? -1 : a.updateId > b.updateId ? 1 : 0);

describe('catalog read API', () => {
  let app: TestApp;
  let admin: string;
  let auditor: string;
  let approver: string;

  /** Every page of a filtered list, following nextCursor. */
  async function listAll(query: string, limit = 37): Promise<Summary[]> {
    const items: Summary[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const res: { status: number; body: { items: Summary[]; nextCursor: string | null }; text: string } = await app.http.get(
        `/api/v1/updates?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
        { token: auditor },
      );
      if (res.status !== 200) throw new Error(`list ${query}: ${res.status} ${res.text}`);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('paging did not end');
  }

  /** The updateIds the list must return for `filter`, in list order. */
  const expected = (filter: (item: FeedItem) => boolean) =>
    [...current.values()].filter(filter).sort(byListOrder).map((i) => i.updateId);

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    auditor = (await userWithRole(app, Role.Auditor, admin)).token;
    approver = (await userWithRole(app, Role.Approver, admin)).token;
    await syncSampleCatalog(app, admin);
  });
  afterAll(() => app.close());

  describe('GET /api/v1/updates', () => {
    it('pages through the whole catalog in release order, without repeats or gaps', async () => {
      const all = await listAll('');
      expect(all.map((u) => u.updateId)).toEqual(expected(() => true));
      expect(new Set(all.map((u) => u.updateId)).size).toBe(current.size);
      const first = await app.http.get('/api/v1/updates', { token: auditor });
      expect(first.body.items).toHaveLength(100);
      const sample = current.get(first.body.items[0].updateId)!;
      expect(first.body.items[0]).toEqual({
        updateId: sample.updateId,
        revision: sample.revision,
        title: sample.title,
        kb: sample.kb,
        classification: sample.classification,
        products: sample.products,
        severity: sample.severity,
        releasedAt: new Date(sample.releasedAt).toISOString(),
        state: expiredIds.has(sample.updateId) ? 'expired' : 'active',
        declined: false,
        baseline: false,
      });
    });

    it.each(['security', 'definition', 'driver', 'service_pack'])('filters by classification %s', async (classification) => {
      const ids = expected((i) => i.classification === classification);
      expect(ids.length).toBeGreaterThan(0);
      expect((await listAll(`classification=${classification}`)).map((u) => u.updateId)).toEqual(ids);
    });

    it.each(['critical', 'important', 'moderate', 'low'])('filters by severity %s', async (severity) => {
      expect((await listAll(`severity=${severity}`)).map((u) => u.updateId)).toEqual(expected((i) => i.severity === severity));
    });

    it.each([
      ['a leaf product', 'Windows/Windows 11'],
      ['a product family, taking every product below it', 'Windows'],
      ['another family', 'macOS'],
    ])('filters by %s', async (_what, product) => {
      const ids = expected((i) => i.products.some((p) => p === product || p.startsWith(`${product}/`)));
      expect(ids.length).toBeGreaterThan(0);
      expect((await listAll(`product=${encodeURIComponent(product)}`)).map((u) => u.updateId)).toEqual(ids);
    });

    it('matches products by whole path segments, and treats LIKE wildcards as text', async () => {
      // "Windows/Windows 1" is not a product, nor above one: Windows 10 and 11 do not match it.
      for (const product of ['Windows/Windows 1', 'Win', 'Windows/%', 'Windows/Windows 1_']) {
        expect(await listAll(`product=${encodeURIComponent(product)}`)).toEqual([]);
      }
    });

    it('searches titles (any case), and exact KB and CVE ids', async () => {
      const withCve = [...current.values()].find((i) => i.cves.length > 0)!;
      const withKb = [...current.values()].find((i) => i.kb.length > 0 && i.kb[0] !== 'KB2267602')!;
      const cases: [string, (i: FeedItem) => boolean][] = [
        ['cumulative update for windows 11', (i) => i.title.toLowerCase().includes('cumulative update for windows 11')],
        ['Defender', (i) => i.title.toLowerCase().includes('defender')],
        [withKb.kb[0].toLowerCase(), (i) => i.kb.includes(withKb.kb[0]) || i.title.toLowerCase().includes(withKb.kb[0].toLowerCase())],
        [withCve.cves[0], (i) => i.cves.includes(withCve.cves[0]) || i.title.includes(withCve.cves[0])],
        ['100%', (i) => i.title.includes('100%')],
      ];
      for (const [q, filter] of cases) {
        const ids = expected(filter);
        expect((await listAll(`q=${encodeURIComponent(q)}`)).map((u) => u.updateId)).toEqual(ids);
      }
      expect(expected(cases[0][1]).length).toBeGreaterThan(0);
      expect((await listAll(`q=${encodeURIComponent(withCve.cves[0])}`)).map((u) => u.updateId)).toContain(withCve.updateId);
    });

    it('filters by state', async () => {
      expect(expiredIds.size).toBeGreaterThan(0);
      expect((await listAll('state=expired')).map((u) => u.updateId)).toEqual(expected((i) => expiredIds.has(i.updateId)));
      expect((await listAll('state=active')).map((u) => u.updateId)).toEqual(expected((i) => !expiredIds.has(i.updateId)));
    });

    it('combines filters, and pages the combination', async () => {
      const ids = expected((i) => i.classification === 'security' && i.severity === 'critical' && i.products.some((p) => p.startsWith('Windows/')));
      expect(ids.length).toBeGreaterThan(5);
      expect((await listAll('classification=security&severity=critical&product=Windows', 4)).map((u) => u.updateId)).toEqual(ids);
    });

    it('refuses bad filters and cursors with 400 problem+json', async () => {
      for (const query of ['classification=hotfix', 'severity=urgent', 'state=gone', 'declined=maybe', 'limit=0', 'limit=501', 'cursor=not-a-cursor', 'color=red']) {
        const res = await app.http.get(`/api/v1/updates?${query}`, { token: auditor });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      expect((await app.http.get('/api/v1/updates')).status).toBe(401);
    });
  });

  describe('GET /api/v1/updates/:updateId', () => {
    it('shows the current revision, every revision, and the files', async () => {
      const twoRevisions = [...current.values()].find((i) => i.revision === 2 && i.files.length > 0)!;
      const res = await app.http.get(`/api/v1/updates/${twoRevisions.updateId}`, { token: approver });
      expect(res.status).toBe(200);
      expect(res.body.updateId).toBe(twoRevisions.updateId);
      expect(res.body.current).toMatchObject({ updateId: twoRevisions.updateId, revision: 2, title: twoRevisions.title, classification: twoRevisions.classification });
      expect(res.body.revisions.map((r: { revision: number }) => r.revision)).toEqual([2, 1]);
      expect(res.body.revisions[0]).toEqual({ revision: 2, state: twoRevisions.state, requiresEula: twoRevisions.requiresEula, syncedAt: expect.any(String) });
      expect(res.body.files.map((f: { name: string; sha256: string; size: number }) => [f.name, f.sha256, f.size])).toEqual(
        twoRevisions.files.map((f) => [f.name, f.sha256, f.size]),
      );
      expect(res.body.declined).toBeNull();
    });

    it('names what an update supersedes and what supersedes it, with titles when the catalog holds them', async () => {
      const superseding = [...current.values()].find((i) => i.supersedes.some((id) => current.has(id)))!;
      const target = superseding.supersedes.find((id) => current.has(id))!;
      const res = await app.http.get(`/api/v1/updates/${superseding.updateId}`, { token: auditor });
      expect(res.body.supersedes).toEqual(superseding.supersedes.map((id) => (current.has(id) ? { updateId: id, title: current.get(id)!.title } : { updateId: id })));
      const back = await app.http.get(`/api/v1/updates/${target}`, { token: auditor });
      const supersededBy = [...current.values()].filter((i) => i.supersedes.includes(target)).map((i) => i.updateId).sort();
      expect(back.body.supersededBy.map((u: { updateId: string }) => u.updateId).sort()).toEqual(supersededBy);
      expect(back.body.supersededBy).toContainEqual({ updateId: superseding.updateId, title: superseding.title });

      const absent = [...current.values()].find((i) => i.supersedes.some((id) => !current.has(id)))!;
      const withAbsent = await app.http.get(`/api/v1/updates/${absent.updateId}`, { token: auditor });
      expect(withAbsent.body.supersedes).toContainEqual({ updateId: absent.supersedes.find((id) => !current.has(id)) });

      const needy = [...current.values()].find((i) => i.prerequisites.length > 0)!;
      const withPrerequisites = await app.http.get(`/api/v1/updates/${needy.updateId}`, { token: auditor });
      expect(withPrerequisites.body.prerequisites.map((p: { updateId: string }) => p.updateId)).toEqual(needy.prerequisites);
    });

    it('answers 404 for an unknown update and 400 for something that is not an update id', async () => {
      const unknown = await app.http.get('/api/v1/updates/6b1c6a31-55b5-4c1e-9a57-1b8c3b8a1f00', { token: auditor });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('application/problem+json');
      expect((await app.http.get('/api/v1/updates/not-an-id', { token: auditor })).status).toBe(400);
    });

    it('serves updates whose id is any 8-4-4-4-12 hex id, as the feed format allows, in any case', async () => {
      // Not an RFC 9562 uuid (version and variant nibbles are 0), like many vendors' GUIDs.
      const guid = feedItem({ updateId: '0f1e2d3c-4b5a-0697-0887-a9b8c7d6e5f4', title: 'Vendor GUID update' });
      const run = await syncFeedItems(app, admin, [[guid]]);
      expect(run).toMatchObject({ status: 'succeeded', newUpdates: 1 });
      for (const id of [guid.updateId, guid.updateId.toUpperCase()]) {
        const res = await app.http.get(`/api/v1/updates/${id}`, { token: auditor });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ updateId: guid.updateId, current: { title: 'Vendor GUID update' } });
      }
    });
  });

  describe('POST /api/v1/updates/:updateId/decline', () => {
    const target = () => [...current.values()].sort(byListOrder)[3];

    it('requires a reason', async () => {
      for (const body of [{}, { reason: '' }, { reason: 'no' }, { reason: 42 }]) {
        const res = await app.http.post(`/api/v1/updates/${target().updateId}/decline`, body, { token: admin });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      const [row] = await app.db.query('SELECT declined_at FROM updates WHERE update_id = $1', [target().updateId]);
      expect(row.declined_at).toBeNull();
    });

    it('is refused to auditors, and answers 404 for an unknown update', async () => {
      expect((await app.http.post(`/api/v1/updates/${target().updateId}/decline`, { reason: 'not mine to decide' }, { token: auditor })).status).toBe(403);
      const unknown = await app.http.post('/api/v1/updates/6b1c6a31-55b5-4c1e-9a57-1b8c3b8a1f00/decline', { reason: 'does not exist' }, { token: admin });
      expect(unknown.status).toBe(404);
    });

    it('declines for everyone once (approvers may), then answers 409', async () => {
      const id = target().updateId;
      const res = await app.http.post(`/api/v1/updates/${id}/decline`, { reason: 'Breaks the line-of-business app' }, { token: approver });
      expect(res.status).toBe(200);
      expect(res.body.declined).toEqual({ at: expect.any(String), by: expect.stringMatching(/^approver-/), reason: 'Breaks the line-of-business app' });
      const again = await app.http.post(`/api/v1/updates/${id}/decline`, { reason: 'Declining twice' }, { token: admin });
      expect(again.status).toBe(409);
      expect(again.body.type).toBe('urn:patchgate:problem:already_declined');

      expect((await listAll('declined=true')).map((u) => u.updateId)).toEqual([id]);
      const notDeclined = await listAll('declined=false');
      expect(notDeclined.map((u) => u.updateId)).not.toContain(id);
      expect(notDeclined).toHaveLength(current.size); // the sample, plus the vendor-GUID update, minus this one
      expect((await app.http.get(`/api/v1/updates/${id}`, { token: auditor })).body.declined.reason).toBe('Breaks the line-of-business app');
    });
  });
});
