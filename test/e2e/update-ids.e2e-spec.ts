import { ALL_COMPUTERS_GROUP_ID } from '../../src/modules/groups/built-in-groups';
import { registerComputer } from '../factories/computers.factory';
import { insertUpdate } from '../factories/updates.factory';
import { startTestApp, TestApp } from '../support/test-app';

/** 8-4-4-4-12 hex, but neither an RFC 9562 version nor variant: a vendor GUID the sync accepts. */
const VENDOR_GUID = '12345678-9abc-0def-1234-56789abcdef0';

describe('update ids: every API takes every id the catalog can hold', () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
    await insertUpdate(app.db, { updateId: VENDOR_GUID });
  });
  afterAll(() => app.close());

  it('approvals (single and bulk), approval filters, the approval log, reports and effective approvals accept a non-RFC GUID', async () => {
    const put = await app.http.put('/api/v1/approvals', { updateId: VENDOR_GUID, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' }, { token: admin });
    expect(put.status).toBe(200);
    expect(put.body.approval.updateId).toBe(VENDOR_GUID);

    // Upper case is the same id: the catalog stores ids in lower case.
    const bulk = await app.http.post(
      '/api/v1/approvals/bulk',
      { items: [{ updateId: VENDOR_GUID.toUpperCase(), groupId: ALL_COMPUTERS_GROUP_ID, decision: 'none' }] },
      { token: admin },
    );
    expect(bulk.status).toBe(200);
    expect(bulk.body.items[0].logEntry.updateId).toBe(VENDOR_GUID);

    const list = await app.http.get(`/api/v1/approvals?updateId=${VENDOR_GUID}`, { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);

    const log = await app.http.get(`/api/v1/audit/approvals?updateId=${VENDOR_GUID}`, { token: admin });
    expect(log.status).toBe(200);
    expect(log.body.items.map((entry: { newDecision: string }) => entry.newDecision)).toEqual(['install', 'none']);

    const report = await app.http.get(`/api/v1/reports/updates/${VENDOR_GUID}`, { token: admin });
    expect(report.status).toBe(200);
    expect(report.body.updateId).toBe(VENDOR_GUID);

    const pc = await registerComputer(app, admin);
    const effective = await app.http.get(`/api/v1/computers/${pc.computerId}/effective-approvals?updateId=${VENDOR_GUID}`, { token: admin });
    expect(effective.status).toBe(200);
  });

  it('agents may name it in check-ins and status reports', async () => {
    const pc = await registerComputer(app, admin);
    const checkIn = await app.http.post('/client/v1/checkin', { installed: [{ updateId: VENDOR_GUID, revision: 1 }] }, { token: pc.token });
    expect(checkIn.status).toBe(200);
    const status = await app.http.post(
      '/client/v1/status',
      { events: [{ updateId: VENDOR_GUID, revision: 1, state: 'installed', occurredAt: new Date().toISOString(), seq: 1 }] },
      { token: pc.token },
    );
    expect(status.status).toBe(202);
  });

  it('anything else is still a 400 naming the field', async () => {
    for (const bad of ['12345678-9abc-0def-1234-56789abcdef', 'not-a-guid', `${VENDOR_GUID}0`, 'x'.repeat(10_000)]) {
      const res = await app.http.put('/api/v1/approvals', { updateId: bad, groupId: ALL_COMPUTERS_GROUP_ID, decision: 'install' }, { token: admin });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'updateId' })]);
    }
  });
});
