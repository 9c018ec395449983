import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import pLimit from 'p-limit';
import { DomainError } from '../../common/errors/domain-error';

const PARAMS = { N: 16384, r: 8, p: 1, keylen: 32 };

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which file access, DNS look-ups and
 * zlib share. At most this many hashings run at once, so a login flood leaves the pool to the rest.
 */
export const HASHING_CONCURRENCY = 2;
/** Hashings that may wait for a slot; beyond, a request is refused at once (503) instead of queueing. */
export const HASHING_MAX_WAITING = 32;

const hashing = pLimit(HASHING_CONCURRENCY);

/** 503 problem+json with Retry-After: too many password checks at once. */
export class PasswordHashingBusyError extends DomainError {
  constructor() {
    super('password_hashing_busy', HttpStatus.SERVICE_UNAVAILABLE, 'too many password checks at once; try again shortly', { retryAfterSeconds: 1 });
  }
}

/** Hashings running and waiting now (for tests and metrics). */
export function hashingLoad(): { active: number; waiting: number } {
  return { active: hashing.activeCount, waiting: hashing.pendingCount };
}

function derive(password: string, salt: Buffer, params: typeof PARAMS): Promise<Buffer> {
  if (hashing.pendingCount >= HASHING_MAX_WAITING) return Promise.reject(new PasswordHashingBusyError());
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 64 * 1024 * 1024 };
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password, salt, params.keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/** scrypt with a per-password salt; the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = encoded.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), keylen: expected.length });
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password, compared against when a username does not exist, so that a
 * failed login takes as long whether or not the user exists.
 */
export const DECOY_HASH_PROMISE = hashPassword(randomBytes(16).toString('hex'));
