import { TestApp } from '../support/test-app';

export interface ApprovalBody {
  updateId: string;
  groupId: string;
  decision: 'install' | 'uninstall' | 'decline' | 'none';
  deadline?: string;
  optional?: boolean;
  reason?: string;
}

/** PUT /api/v1/approvals that must succeed: `await approve(app, token, { updateId, groupId, decision: 'install' })`. */
export async function approve(app: TestApp, token: string, body: ApprovalBody): Promise<{ approval: unknown; logEntry: { seq: number } | null; aptDependencies?: unknown }> {
  const res = await app.http.put('/api/v1/approvals', body, { token });
  if (res.status !== 200) throw new Error(`PUT /api/v1/approvals ${JSON.stringify(body)}: ${res.status} ${res.text}`);
  return res.body;
}

/** Every approval-log row, in chain order, as stored. */
export async function logRows(app: TestApp): Promise<Record<string, unknown>[]> {
  return app.db.query('SELECT * FROM approval_log ORDER BY seq');
}
