import { randomBytes } from 'node:crypto';
import { TestApp } from '../support/test-app';

export interface RegisteredComputer {
  computerId: string;
  token: string;
}

/** Creates an enrollment key through the API; answers its id and the secret key. */
export async function createEnrollmentKey(
  app: TestApp,
  adminToken: string,
  body: { name?: string; groupId?: string; expiresAt?: string; maxUses?: number } = {},
): Promise<{ id: string; key: string }> {
  const res = await app.http.post('/api/v1/enrollment-keys', { name: `key-${randomBytes(3).toString('hex')}`, ...body }, { token: adminToken });
  if (res.status !== 201) throw new Error(`creating an enrollment key failed: ${res.status} ${res.text}`);
  return { id: res.body.id, key: res.body.key };
}

export function registrationBody(enrollmentKey: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    enrollmentKey,
    hostname: `ws-${randomBytes(3).toString('hex')}.corp.example.com`,
    os: { family: 'windows', version: '10.0.26100' },
    arch: 'x64',
    agentVersion: '1.0.0',
    ...overrides,
  };
}

/** Registers a computer (in `groupId` when given, through a key of that group): `const pc = await registerComputer(app, token, { groupId })`. */
export async function registerComputer(
  app: TestApp,
  adminToken: string,
  options: { groupId?: string; requestedGroup?: string; hostname?: string } = {},
): Promise<RegisteredComputer> {
  const { key } = await createEnrollmentKey(app, adminToken, options.groupId ? { groupId: options.groupId } : {});
  const overrides: Record<string, unknown> = {};
  if (options.requestedGroup) overrides.requestedGroup = options.requestedGroup;
  if (options.hostname) overrides.hostname = options.hostname;
  const res = await app.http.post('/client/v1/register', registrationBody(key, overrides));
  if (res.status !== 201) throw new Error(`registering a computer failed: ${res.status} ${res.text}`);
  return { computerId: res.body.computerId, token: res.body.token };
}
