import { SignedOffer } from '../../src/contracts/client-protocol';
import { approve, logRows } from '../factories/approvals.factory';
import { feedItem, syncFeedItems } from '../factories/catalog.factory';
import { registerComputer, RegisteredComputer } from '../factories/computers.factory';
import { createGroup, TestGroup } from '../factories/groups.factory';
import { startTestApp, TestApp } from '../support/test-app';

/** Issue 18 item 5: a new revision inherits an approval only with the same files and `approveNewRevisions` on. */
describe('approvals of new revisions (approveNewRevisions, files changed)', () => {
  let app: TestApp;
  let admin: string;
  let ring: TestGroup;
  let pc: RegisteredComputer;
  const otherFiles = feedItem({ title: 'revision 2 ships other files' });
  const sameFiles = feedItem({ title: 'revision 2 keeps its files' });
  const settingOff = feedItem({ title: 'revised while approveNewRevisions is off' });

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    ring = await createGroup(app, admin, { name: 'Ring new revisions' });
    pc = await registerComputer(app, admin, { groupId: ring.id });
    expect((await syncFeedItems(app, admin, [[otherFiles, sameFiles, settingOff]])).status).toBe('succeeded');
    for (const { updateId } of [otherFiles, sameFiles, settingOff]) await approve(app, admin, { updateId, groupId: ring.id, decision: 'install' });
  });
  afterAll(() => app.close());

  const approvalOf = async (updateId: string) =>
    (await app.db.query('SELECT decision, status, revision FROM approvals WHERE update_id = $1 AND group_id = $2', [updateId, ring.id]))[0];
  const offered = async () => {
    const res = await app.http.post<SignedOffer>('/client/v1/checkin', {}, { token: pc.token });
    expect(res.status).toBe(200);
    return new Map(res.body.updates.map((u) => [u.updateId, u]));
  };
  const setApproveNewRevisions = async (value: boolean) => {
    const res = await app.http.put('/api/v1/settings', { approveNewRevisions: value }, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.approveNewRevisions).toBe(value);
  };

  it('is on by default, and the settings API refuses a non-boolean', async () => {
    expect((await app.http.get('/api/v1/settings', { token: admin })).body.approveNewRevisions).toBe(true);
    const bad = await app.http.put('/api/v1/settings', { approveNewRevisions: 'yes' }, { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const offers = await offered();
    for (const { updateId } of [otherFiles, sameFiles, settingOff]) expect(offers.get(updateId)?.revision).toBe(1);
  });

  it('with the setting on: a revision with other files is suspended for review and not offered; one with the same files keeps its approval', async () => {
    const logBefore = (await logRows(app)).length;
    const file = otherFiles.files[0];
    const run = await syncFeedItems(app, admin, [[
      { ...otherFiles, revision: 2, files: [{ ...file, url: 'https://elsewhere.example.invalid/payload.msu', sha256: 'b'.repeat(64), size: 2048 }] },
      { ...sameFiles, revision: 2, title: 'revision 2 keeps its files, new title', files: [...sameFiles.files] },
    ]]);
    expect(run).toMatchObject({ status: 'succeeded', revisedUpdates: 2 });

    expect(await approvalOf(otherFiles.updateId)).toEqual({ decision: 'install', status: 'needs_review', revision: 2 });
    expect(await approvalOf(sameFiles.updateId)).toEqual({ decision: 'install', status: 'active', revision: 2 });
    const entries = (await logRows(app)).slice(logBefore);
    const suspended = entries.find((e) => e.update_id === otherFiles.updateId);
    expect(suspended).toMatchObject({ previous_decision: 'install', new_decision: 'install', status: 'needs_review', source: 'sync', actor_type: 'sync', revision: 2 });
    expect(suspended!.reason).toContain("changes the update's files");
    expect(entries.find((e) => e.update_id === sameFiles.updateId)).toMatchObject({ status: 'active', source: 'sync', revision: 2 });

    const offers = await offered();
    expect(offers.has(otherFiles.updateId)).toBe(false);
    expect(offers.get(sameFiles.updateId)?.revision).toBe(2);

    // An admin who approves again restores the offer, of the new files.
    await approve(app, admin, { updateId: otherFiles.updateId, groupId: ring.id, decision: 'install' });
    const again = (await offered()).get(otherFiles.updateId);
    expect(again?.revision).toBe(2);
    expect(again?.files.map((f) => f.sha256)).toEqual(['b'.repeat(64)]);
  });

  it('with the setting off: every new revision of an approved update is suspended for review, even with the same files', async () => {
    await setApproveNewRevisions(false);
    try {
      const logBefore = (await logRows(app)).length;
      const run = await syncFeedItems(app, admin, [[{ ...settingOff, revision: 2, title: 'only the title changed' }]]);
      expect(run).toMatchObject({ status: 'succeeded', revisedUpdates: 1 });
      expect(await approvalOf(settingOff.updateId)).toEqual({ decision: 'install', status: 'needs_review', revision: 2 });
      const [entry] = (await logRows(app)).slice(logBefore).filter((e) => e.update_id === settingOff.updateId);
      expect(entry).toMatchObject({ new_decision: 'install', status: 'needs_review', source: 'sync', revision: 2 });
      expect(entry.reason).toContain('approveNewRevisions is off');
      expect((await offered()).has(settingOff.updateId)).toBe(false);
      expect((await app.http.get('/api/v1/audit/verify', { token: admin })).body).toMatchObject({ ok: true });
    } finally {
      await setApproveNewRevisions(true);
    }
  });
});
