import { randomBytes, scryptSync } from 'node:crypto';
import { DECOY_HASH_PROMISE, HASHING_CONCURRENCY, HASHING_MAX_WAITING, hashingLoad, hashPassword, PasswordHashingBusyError, verifyPassword } from './password-hasher';

describe('password hasher', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).not.toContain('correct horse');
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
  });

  it('salts: two hashes of one password differ', async () => {
    expect(await hashPassword('same password')).not.toEqual(await hashPassword('same password'));
  });

  it('refuses a malformed stored hash', async () => {
    await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
  });
});

describe('password hashing is bounded', () => {
  it(`runs at most ${HASHING_CONCURRENCY} hashings at once, lets ${HASHING_MAX_WAITING} wait and refuses the rest with 503 at once`, async () => {
    // A cheap stored hash (the parameters travel with it), so the test measures the gate, not scrypt.
    const salt = randomBytes(16);
    const hash = ['scrypt', 16, 8, 1, salt.toString('base64'), scryptSync('flood', salt, 32, { N: 16, r: 8, p: 1 }).toString('base64')].join('$');
    await DECOY_HASH_PROMISE;
    const flood = HASHING_MAX_WAITING + 8;
    let mostActive = 0;
    const attempts = Array.from({ length: flood }, () =>
      verifyPassword('flood', hash).then(
        (valid) => {
          mostActive = Math.max(mostActive, hashingLoad().active);
          return valid;
        },
        (error: unknown) => error,
      ),
    );
    const results = await Promise.all(attempts);
    const refused = results.filter((result) => result instanceof PasswordHashingBusyError);
    expect(refused).toHaveLength(flood - HASHING_MAX_WAITING);
    expect((refused[0] as PasswordHashingBusyError).status).toBe(503);
    expect((refused[0] as PasswordHashingBusyError).extras).toEqual({ retryAfterSeconds: 1 });
    expect(results.filter((result) => result === true)).toHaveLength(HASHING_MAX_WAITING);
    expect(mostActive).toBeGreaterThan(0);
    expect(mostActive).toBeLessThanOrEqual(HASHING_CONCURRENCY);
    expect(hashingLoad()).toEqual({ active: 0, waiting: 0 });
  });
});
