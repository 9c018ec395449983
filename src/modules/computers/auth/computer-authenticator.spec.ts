import { UnauthorizedException } from '@nestjs/common';
import { hashSecretToken } from '../../../common/auth/secret-token';
import { RateLimits, TooManyRequestsError } from '../../../infra/rate-limit/rate-limits.service';
import { ComputerPrincipal } from '../../../common/auth/computer-principal';
import { ComputerTokenCache } from '../computer-token.cache';
import { ComputersRepository } from '../computers.repository';
import { ComputerAuthenticator, UNKNOWN_TOKEN_TTL_MS } from './computer-authenticator';

const COMPUTER_ID = '0b7e5e2c-4d1f-4a7e-9c1e-2f0a9d6b1c3e';
const TOKEN = 'pgc_valid-token';
const PRINCIPAL: ComputerPrincipal = { kind: 'computer', computerId: COMPUTER_ID, groupId: 'g1' };

function setUp(options: { cached?: boolean; limited?: boolean } = {}) {
  const consumed: string[] = [];
  const lookedUp: string[] = [];
  const remembered: string[] = [];
  const tokens = {
    get: async (hash: string) => (options.cached && hash === hashSecretToken(TOKEN) ? PRINCIPAL : null),
    remember: async (hash: string) => void remembered.push(hash),
  } as unknown as ComputerTokenCache;
  const computers = {
    findActiveByTokenHash: async (hash: string) => {
      lookedUp.push(hash);
      return hash === hashSecretToken(TOKEN) ? { id: COMPUTER_ID, groupId: 'g1' } : null;
    },
  } as unknown as ComputersRepository;
  const limits = {
    consume: async (_kind: string, key: string) => {
      consumed.push(key);
      if (options.limited) throw new TooManyRequestsError('slow down', 30_000);
    },
  } as unknown as RateLimits;
  const headers = new Map<string, string>();
  const reply = { header: (name: string, value: string) => headers.set(name, value) };
  return { authenticator: new ComputerAuthenticator(computers, tokens, limits), consumed, lookedUp, remembered, headers, reply };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const basic = (login: string, password: string) => ({ headers: { authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` } });

describe(ComputerAuthenticator.name, () => {
  it('bearer: a valid token is its computer, looked up once, then from the cache', async () => {
    const { authenticator, lookedUp, remembered, reply } = setUp();
    await expect(authenticator.authenticate(bearer(TOKEN), 'bearer', reply)).resolves.toEqual(PRINCIPAL);
    expect(lookedUp).toEqual([hashSecretToken(TOKEN)]);
    expect(remembered).toEqual([hashSecretToken(TOKEN)]);
    const warm = setUp({ cached: true });
    await expect(warm.authenticator.authenticate(bearer(TOKEN), 'bearer', warm.reply)).resolves.toEqual(PRINCIPAL);
    expect(warm.lookedUp).toEqual([]);
  });

  it('bearer: no, unknown or foreign tokens are a 401 without a challenge', async () => {
    for (const request of [{ headers: {} }, bearer('pgc_unknown'), bearer('pga_not-a-computer-token'), basic(COMPUTER_ID, TOKEN)]) {
      const { authenticator, headers, reply } = setUp();
      await expect(authenticator.authenticate(request, 'bearer', reply)).rejects.toBeInstanceOf(UnauthorizedException);
      expect(headers.size).toBe(0);
    }
  });

  it('basic: computer id and token are the computer, whatever the letter case of the id', async () => {
    const { authenticator, reply, headers } = setUp();
    await expect(authenticator.authenticate(basic(COMPUTER_ID, TOKEN), 'basic', reply)).resolves.toEqual(PRINCIPAL);
    await expect(authenticator.authenticate(basic(COMPUTER_ID.toUpperCase(), TOKEN), 'basic', reply)).resolves.toEqual(PRINCIPAL);
    expect(headers.size).toBe(0);
  });

  it.each([
    ['no credentials', { headers: {} }],
    ['a bearer token', bearer(TOKEN)],
    ['another computer id', basic('11111111-2222-4333-8444-555555555555', TOKEN)],
    ['an unknown token', basic(COMPUTER_ID, 'pgc_unknown')],
  ])('basic: %s is a 401 challenging for Basic credentials of the patchgate realm', async (_name, request) => {
    const { authenticator, headers, reply } = setUp();
    await expect(authenticator.authenticate(request, 'basic', reply)).rejects.toBeInstanceOf(UnauthorizedException);
    expect(headers.get('www-authenticate')).toBe('Basic realm="patchgate"');
  });

  it('counts every request by token hash, in either scheme, and a flood is a 429', async () => {
    const { authenticator, consumed, reply } = setUp();
    await authenticator.authenticate(bearer(TOKEN), 'bearer', reply);
    await authenticator.authenticate(basic(COMPUTER_ID, TOKEN), 'basic', reply);
    expect(consumed).toEqual([hashSecretToken(TOKEN), hashSecretToken(TOKEN)]);
    const flooded = setUp({ limited: true });
    await expect(flooded.authenticator.authenticate(bearer(TOKEN), 'bearer', flooded.reply)).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(flooded.authenticator.authenticate(basic(COMPUTER_ID, TOKEN), 'basic', flooded.reply)).rejects.toBeInstanceOf(TooManyRequestsError);
  });

  it('never counts or looks up what is not a computer token', async () => {
    const { authenticator, consumed, lookedUp, reply } = setUp();
    await expect(authenticator.authenticate(bearer('pga_other'), 'bearer', reply)).rejects.toBeInstanceOf(UnauthorizedException);
    expect(consumed).toEqual([]);
    expect(lookedUp).toEqual([]);
  });

  it('remembers an unknown token for 30 s: repeating it costs no SQL and no Redis (issue 18 item 8)', async () => {
    // lru-cache reads performance.now(); move it forward instead of waiting.
    let offset = 0;
    const realNow = performance.now.bind(performance);
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => realNow() + offset);
    try {
      const { authenticator, consumed, lookedUp, reply } = setUp();
      for (let i = 0; i < 5; i++) {
        await expect(authenticator.authenticate(bearer('pgc_random-guess'), 'bearer', reply)).rejects.toBeInstanceOf(UnauthorizedException);
      }
      expect(lookedUp).toEqual([hashSecretToken('pgc_random-guess')]);
      expect(consumed).toEqual([hashSecretToken('pgc_random-guess')]);
      // The valid token is unaffected.
      await expect(authenticator.authenticate(bearer(TOKEN), 'bearer', reply)).resolves.toEqual(PRINCIPAL);
      offset = UNKNOWN_TOKEN_TTL_MS + 1;
      await new Promise((resolve) => setTimeout(resolve, 5)); // lru-cache keeps its reading of the clock for 1 ms
      await expect(authenticator.authenticate(bearer('pgc_random-guess'), 'bearer', reply)).rejects.toBeInstanceOf(UnauthorizedException);
      expect(lookedUp.filter((h) => h === hashSecretToken('pgc_random-guess'))).toHaveLength(2);
    } finally {
      clock.mockRestore();
    }
  });
});
