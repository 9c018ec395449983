import { randomBytes } from 'node:crypto';
import { Role } from '../../src/common/auth/role';
import { TestApp } from '../support/test-app';

/** Creates a user with the role through the API and returns a bearer token for it. */
export async function userWithRole(app: TestApp, role: Role, adminToken?: string): Promise<{ username: string; token: string }> {
  const admin = adminToken ?? (await app.login());
  const username = `${role}-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const created = await app.http.post('/api/v1/users', { username, password, role }, { token: admin });
  if (created.status !== 201) throw new Error(`creating ${username} failed: ${created.status} ${created.text}`);
  return { username, token: await app.login(username, password) };
}
