import { hash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (API tokens, computer tokens, enrollment keys) are random, shown once and
 * stored as their SHA-256: a database leak reveals no usable token, and lookups stay indexed.
 */
export function newSecretToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return hash('sha256', token, 'hex');
}
