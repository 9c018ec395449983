import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KEY_ID_HEADER, SIGNATURE_HEADER, SignedOffer } from '../../src/contracts/client-protocol';
import { syncFeedItems, syncSampleCatalog } from '../factories/catalog.factory';
import { registerComputer, RegisteredComputer } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { approve } from '../factories/approvals.factory';
import { eventually } from '../support/eventually';
import { HttpResponse } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

const OS = { family: 'windows', version: '10.0.26100', arch: 'x64' };

/** Windows x64 updates of the synced sample catalog that apply to OS, none superseding another. */
async function pickWindowsUpdates(db: DataSource, count: number): Promise<{ updateId: string; revision: number }[]> {
  const rows: { update_id: string; current_revision: number; supersedes: string[] }[] = await db.query(
    `SELECT update_id, current_revision, supersedes::text[] AS supersedes FROM updates
      WHERE state = 'active' AND declined_at IS NULL AND applicability->'osFamily' ? 'windows' AND applicability->'arch' ? 'x64'
        AND (applicability->>'minOsVersion' IS NULL OR os_version_key(applicability->>'minOsVersion') <= os_version_key($1))
        AND prerequisites = '{}' AND jsonb_array_length(files) > 0
      ORDER BY released_at DESC, update_id`,
    [OS.version],
  );
  const picked: typeof rows = [];
  for (const row of rows) {
    const related = picked.some((p) => p.supersedes.includes(row.update_id) || row.supersedes.includes(p.update_id));
    if (!related) picked.push(row);
    if (picked.length === count) break;
  }
  return picked.map((r) => ({ updateId: r.update_id, revision: r.current_revision }));
}

describe('check-in: the whole loop, signed and cached', () => {
  let app: TestApp;
  let admin: string;
  let ring: string;
  let pilot: string;
  let pc: RegisteredComputer;
  let a: { updateId: string; revision: number };
  let b: { updateId: string; revision: number };
  let c: { updateId: string; revision: number };
  let d: { updateId: string; revision: number };
  let linux: string;
  let lastEtag: string;

  const checkIn = (token: string, body: Record<string, unknown> = {}, etag?: string, via: TestApp = app) =>
    via.http.post<SignedOffer>('/client/v1/checkin', body, { token, headers: etag ? { 'if-none-match': etag } : {} });
  const offered = (res: HttpResponse<SignedOffer>) => res.body.updates.map((u) => u.updateId).sort();

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    const run = await syncSampleCatalog(app, admin);
    expect(run.status).toBe('succeeded');
    ring = (await createGroup(app, admin, { name: 'Ring 1' })).id;
    pilot = (await createGroup(app, admin, { name: 'Pilot', parentId: ring })).id;
    [a, b, c, d] = await pickWindowsUpdates(app.db, 4);
    [{ update_id: linux }] = await app.db.query(
      `SELECT update_id FROM updates WHERE state = 'active' AND applicability->'osFamily' ? 'linux' AND NOT applicability->'osFamily' ? 'windows' LIMIT 1`,
    );
    const root = '00000000-0000-4000-8000-000000000001';
    await approve(app, admin, { updateId: a.updateId, groupId: root, decision: 'install' });
    await approve(app, admin, { updateId: b.updateId, groupId: root, decision: 'install' });
    await approve(app, admin, { updateId: b.updateId, groupId: pilot, decision: 'decline', reason: 'breaks the pilot line of business app' });
    await approve(app, admin, { updateId: c.updateId, groupId: ring, decision: 'install' });
    await approve(app, admin, { updateId: linux, groupId: root, decision: 'install' });
    pc = await registerComputer(app, admin, { groupId: pilot });
  }, 120_000);
  afterAll(() => app.close());

  it('offers what the group path approves and what applies, with files, signed with the published key', async () => {
    const nonce = randomBytes(12).toString('base64url');
    const res = await checkIn(pc.token, { nonce });
    expect(res.status).toBe(200);
    // A from the root, C inherited from Ring 1; B declined by Pilot; the Linux update does not apply.
    expect(offered(res)).toEqual([a.updateId, c.updateId].sort());
    expect(res.body).toMatchObject({ computerId: pc.computerId, nonce });
    expect(new Date(res.body.expires).getTime()).toBeGreaterThan(new Date(res.body.issuedAt).getTime());
    const { body: settings } = await app.http.get('/api/v1/settings', { token: admin });
    expect(res.body.nextCheckInSeconds).toBeGreaterThanOrEqual(settings.checkInSeconds);
    expect(res.body.nextCheckInSeconds).toBeLessThanOrEqual(settings.checkInSeconds * 1.1);
    const [stored] = await app.db.query('SELECT files FROM updates WHERE update_id = $1', [a.updateId]);
    expect(res.body.updates.find((u) => u.updateId === a.updateId)!.files).toEqual(stored.files);

    const { body: published } = await app.http.get('/client/v1/keys');
    const key = published.keys.find((k: { id: string }) => k.id === res.headers.get(KEY_ID_HEADER));
    expect(key).toMatchObject({ alg: 'ed25519' });
    const signature = Buffer.from(res.headers.get(SIGNATURE_HEADER)!, 'base64');
    const bytes = Buffer.from(res.text);
    expect(verify(null, bytes, createPublicKey(key.publicKey), signature)).toBe(true);
    const tampered = Buffer.from(bytes);
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    expect(verify(null, tampered, createPublicKey(key.publicKey), signature)).toBe(false);
    lastEtag = res.headers.get('etag')!;
    expect(lastEtag).toMatch(/^".+"$/);
  });

  it('the OpenAPI document describes the 200 answer: the signed offer, every field an answer carries, and its headers', async () => {
    const { body: docs } = await app.http.get('/api/docs-json');
    const ok = docs.paths['/client/v1/checkin'].post.responses['200'];
    expect(ok.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SignedOfferDto' });
    expect(Object.keys(ok.headers)).toEqual(expect.arrayContaining([SIGNATURE_HEADER, KEY_ID_HEADER, 'etag']));
    const { SignedOfferDto: offer, OfferedUpdateDto: update, OfferedFileDto: file } = docs.components.schemas;
    expect(offer.properties.updates).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/OfferedUpdateDto' } });
    expect(update.properties.files).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/OfferedFileDto' } });
    expect(update.properties.action.enum).toEqual(['install', 'uninstall']);

    const res = await checkIn(pc.token, { nonce: randomBytes(12).toString('base64url') });
    expect(res.status).toBe(200);
    expect(res.body.updates.length).toBeGreaterThan(0);
    const documented = (schema: { properties: object; required: string[] }) => [Object.keys(schema.properties).sort(), [...schema.required].sort()];
    expect(documented(offer)).toEqual([Object.keys(res.body).sort(), Object.keys(res.body).sort()]);
    for (const offered of res.body.updates) {
      expect(documented(update)).toEqual([Object.keys(offered).sort(), Object.keys(offered).sort()]);
      for (const f of offered.files) expect(documented(file)).toEqual([Object.keys(f).sort(), Object.keys(f).sort()]);
    }
  });

  it('answers an unchanged check-in with 304 and no SQL', async () => {
    const pool = (app.app.get(DataSource).driver as unknown as { master: { on(event: string, fn: () => void): void; off(event: string, fn: () => void): void } }).master;
    let acquired = 0;
    const count = () => acquired++;
    // One round first, so the token and context caches are warm, as they are for a fleet.
    expect((await checkIn(pc.token, {}, lastEtag)).status).toBe(304);
    pool.on('acquire', count);
    try {
      for (let i = 0; i < 10; i++) {
        const res = await checkIn(pc.token, {}, lastEtag);
        expect(res.status).toBe(304);
        expect(res.text).toBe('');
      }
    } finally {
      pool.off('acquire', count);
    }
    expect(acquired).toBe(0);
  });

  it('answers 200 again after an approval change, also one made through another API instance', async () => {
    await approve(app, admin, { updateId: d.updateId, groupId: ring, decision: 'install' });
    const changed = await checkIn(pc.token, {}, lastEtag);
    expect(changed.status).toBe(200);
    expect(offered(changed)).toContain(d.updateId);
    lastEtag = changed.headers.get('etag')!;

    const other = await startTestApp({ environment: app.environment });
    try {
      const otherAdmin = await other.login();
      await approve(other, otherAdmin, { updateId: c.updateId, groupId: ring, decision: 'none' });
      // Asked at the first instance: the change made at the second is seen through Redis.
      const res = await checkIn(pc.token, {}, lastEtag);
      expect(res.status).toBe(200);
      expect(offered(res)).not.toContain(c.updateId);
      lastEtag = res.headers.get('etag')!;
      expect((await checkIn(pc.token, {}, lastEtag, other)).status).toBe(304);
    } finally {
      await other.close();
    }
  });

  it('answers 200 with the new revision after a sync revises an offered update', async () => {
    const [{ document }] = await app.db.query('SELECT document FROM update_revisions WHERE update_id = $1 AND revision = $2', [d.updateId, d.revision]);
    const revised = { ...document, revision: d.revision + 1, title: `${document.title} (re-released)` };
    const run = await syncFeedItems(app, admin, [[revised]]);
    expect(run).toMatchObject({ status: 'succeeded', revisedUpdates: 1 });
    const res = await checkIn(pc.token, {}, lastEtag);
    expect(res.status).toBe(200);
    expect(res.body.updates.find((u) => u.updateId === d.updateId)).toMatchObject({ revision: d.revision + 1, title: revised.title });
    d = { ...d, revision: d.revision + 1 };
    lastEtag = res.headers.get('etag')!;
  });

  it('stops offering what the computer reported installed, and the reports count it', async () => {
    const report = await app.http.post(
      '/client/v1/status',
      { events: [{ updateId: a.updateId, revision: a.revision, state: 'installed', occurredAt: new Date().toISOString(), seq: 1 }] },
      { token: pc.token },
    );
    expect(report.status).toBe(202);
    expect(report.body).toEqual({ accepted: 1 });
    await eventually(
      () => app.db.query('SELECT state FROM install_states WHERE computer_id = $1 AND update_id = $2', [pc.computerId, a.updateId]),
      (rows) => rows.length === 1,
    );
    const res = await checkIn(pc.token, {}, lastEtag);
    expect(res.status).toBe(200);
    expect(offered(res)).not.toContain(a.updateId);
    lastEtag = res.headers.get('etag')!;

    const perUpdate = await app.http.get(`/api/v1/reports/updates/${a.updateId}`, { token: admin });
    expect(perUpdate.status).toBe(200);
    expect(perUpdate.body.counts).toMatchObject({ installed: 1, needed: 0 });
    const inPilot = await app.http.get(`/api/v1/reports/updates/${d.updateId}?groupId=${pilot}`, { token: admin });
    expect(inPilot.body.counts).toMatchObject({ needed: 1, installed: 0 });
    const group = await app.http.get(`/api/v1/reports/groups/${pilot}`, { token: admin });
    const rowA = group.body.updates.find((u: { updateId: string }) => u.updateId === a.updateId);
    expect(rowA).toMatchObject({ compliancePercent: 100, counts: { installed: 1 } });
    expect(group.body.updates.map((u: { updateId: string }) => u.updateId)).not.toContain(b.updateId);
    const perComputer = await app.http.get(`/api/v1/reports/computers/${pc.computerId}`, { token: admin });
    const states = Object.fromEntries(perComputer.body.updates.map((u: { updateId: string; state: string }) => [u.updateId, u.state]));
    expect(states).toMatchObject({ [a.updateId]: 'installed', [d.updateId]: 'needed' });
  });

  it('keeps the report with the highest seq, whatever the arrival order', async () => {
    const event = (seq: number, state: string) => ({ updateId: d.updateId, revision: d.revision, state, occurredAt: new Date().toISOString(), seq, ...(state === 'failed' ? { errorCode: '0x80070005' } : {}) });
    expect((await app.http.post('/client/v1/status', { events: [event(10, 'installed')] }, { token: pc.token })).status).toBe(202);
    await eventually(() => app.db.query('SELECT 1 FROM status_events WHERE update_id = $1 AND seq = 10', [d.updateId]), (r) => r.length === 1);
    expect((await app.http.post('/client/v1/status', { events: [event(5, 'failed')] }, { token: pc.token })).status).toBe(202);
    await eventually(() => app.db.query('SELECT 1 FROM status_events WHERE update_id = $1 AND seq = 5', [d.updateId]), (r) => r.length === 1);
    const [current] = await app.db.query('SELECT state, seq FROM install_states WHERE computer_id = $1 AND update_id = $2', [pc.computerId, d.updateId]);
    expect(current).toEqual({ state: 'installed', seq: '10' });
  });

  it('refuses a batch with one bad event, naming it, and stores nothing', async () => {
    const before = await app.db.query('SELECT count(*)::int AS n FROM status_events');
    const res = await app.http.post(
      '/client/v1/status',
      {
        events: [
          { updateId: a.updateId, revision: 1, state: 'downloaded', occurredAt: new Date().toISOString(), seq: 50 },
          { updateId: a.updateId, revision: 1, state: 'exploded', occurredAt: new Date().toISOString(), seq: 51 },
        ],
      },
      { token: pc.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['events.1.state']);
    const failed = await app.http.post('/client/v1/status', { events: [{ updateId: a.updateId, revision: 1, state: 'failed', occurredAt: new Date().toISOString(), seq: 52 }] }, { token: pc.token });
    expect(failed.status).toBe(400);
    expect(failed.body.errors[0].field).toBe('events.0.errorCode');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await app.db.query('SELECT count(*)::int AS n FROM status_events')).toEqual(before);
  });

  it('attributes reports to the computer of the token, never to one named in the body', async () => {
    const other = await registerComputer(app, admin, { groupId: pilot });
    const event = { updateId: c.updateId, revision: c.revision, state: 'downloaded', occurredAt: new Date().toISOString(), seq: 1 };
    const spoof = await app.http.post('/client/v1/status', { computerId: pc.computerId, events: [event] }, { token: other.token });
    expect(spoof.status).toBe(400);
    expect((await app.http.post('/client/v1/status', { events: [event] }, { token: other.token })).status).toBe(202);
    const rows = await eventually(
      () => app.db.query('SELECT computer_id FROM install_states WHERE update_id = $1', [c.updateId]),
      (r) => r.length === 1,
    );
    expect(rows).toEqual([{ computer_id: other.computerId }]);
  });

  it('keeps seq growing across an API restart and a Redis that lost its keys', async () => {
    const first = (await checkIn(pc.token)).body.seq;
    const restarted = await startTestApp({ environment: app.environment });
    try {
      const second = (await checkIn(pc.token, {}, undefined, restarted)).body.seq;
      expect(second).toBeGreaterThan(first);
    } finally {
      await restarted.close();
    }
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(app.environment.redisUrl);
    try {
      const keys = await redis.keys(`${app.environment.redisPrefix}:ver:seq:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const afterLoss = (await checkIn(pc.token)).body.seq;
    expect(afterLoss).toBeGreaterThan(first);
  });

  it('refuses a revoked computer with 401', async () => {
    const doomed = await registerComputer(app, admin, { groupId: pilot });
    expect((await checkIn(doomed.token)).status).toBe(200);
    expect((await app.http.delete(`/api/v1/computers/${doomed.computerId}`, { token: admin })).status).toBe(204);
    expect((await checkIn(doomed.token)).status).toBe(401);
    expect((await app.http.post('/client/v1/status', { events: [] }, { token: doomed.token })).status).toBe(401);
  });

  it('keeps agents and people apart: a computer token cannot read reports, an admin token cannot check in', async () => {
    expect((await app.http.get(`/api/v1/reports/computers/${pc.computerId}`, { token: pc.token })).status).toBe(401);
    expect((await checkIn(admin)).status).toBe(401);
  });
});
