import { randomBytes } from 'node:crypto';
import { TestApp } from '../support/test-app';

export interface TestGroup {
  id: string;
  name: string;
  parentId: string | null;
  path: string[];
  depth: number;
}

/** Creates a group through the API (under All Computers unless `parentId`): `const ring = await createGroup(app, token)`. */
export async function createGroup(app: TestApp, adminToken: string, options: { name?: string; parentId?: string } = {}): Promise<TestGroup> {
  const body = { name: options.name ?? `group-${randomBytes(4).toString('hex')}`, ...(options.parentId ? { parentId: options.parentId } : {}) };
  const res = await app.http.post('/api/v1/groups', body, { token: adminToken });
  if (res.status !== 201) throw new Error(`creating group ${body.name} failed: ${res.status} ${res.text}`);
  return res.body as TestGroup;
}
