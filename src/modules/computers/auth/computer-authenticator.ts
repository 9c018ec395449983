import { Injectable, UnauthorizedException } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ComputerAuthScheme } from '../../../common/auth/access.decorators';
import { hashSecretToken } from '../../../common/auth/secret-token';
import { RateLimits } from '../../../infra/rate-limit/rate-limits.service';
import { COMPUTER_TOKEN_PREFIX, ComputerPrincipal } from '../../../common/auth/computer-principal';
import { ComputerTokenCache } from '../computer-token.cache';
import { ComputersRepository } from '../computers.repository';
import { ComputerCredentials, CREDENTIAL_EXTRACTORS, CredentialSource } from './computer-credentials';

/** Where a refused request's challenge goes (a Fastify reply). */
export interface ChallengeSink {
  header(name: string, value: string): unknown;
}

/**
 * Authenticates computers on the routes that say @ComputerAuth(scheme): the scheme's extractor
 * (computer-credentials.ts) finds the credentials, then one token check for every scheme: a
 * `pgc_…` token, looked up by its hash among computers that are not revoked (through a Redis cache
 * that revocation clears, so agent calls need no SQL to authenticate). Each token has a request
 * rate limit, so one flooding computer is refused (429) while the others are served.
 *
 * No passport: the agent routes are the hot path, and passport's per-request strategy set-up cost
 * more than the checks themselves.
 */
/** How long an unknown token's hash is remembered, per process, and how many at most. */
export const UNKNOWN_TOKEN_TTL_MS = 30_000;
const UNKNOWN_TOKEN_MAX = 50_000;

@Injectable()
export class ComputerAuthenticator {
  /**
   * Hashes of tokens no computer has, remembered briefly in this process: a token repeated by a
   * flood costs one SQL query, then nothing for 30 s.
   */
  private readonly unknown = new LRUCache<string, true>({ max: UNKNOWN_TOKEN_MAX, ttl: UNKNOWN_TOKEN_TTL_MS });

  constructor(
    private readonly computers: ComputersRepository,
    private readonly tokens: ComputerTokenCache,
    private readonly limits: RateLimits,
  ) {}

  /**
   * The calling computer. No valid credentials for the scheme: a 401 (with the scheme's
   * `WWW-Authenticate` challenge, if it has one, on `reply`); past the token's rate limit: a 429.
   */
  async authenticate(request: CredentialSource, scheme: ComputerAuthScheme, reply: ChallengeSink): Promise<ComputerPrincipal> {
    const extractor = CREDENTIAL_EXTRACTORS[scheme];
    const credentials = extractor.extract(request);
    const principal = credentials ? await this.principalFor(credentials) : null;
    if (principal) return principal;
    if (extractor.challenge) reply.header('www-authenticate', extractor.challenge);
    throw new UnauthorizedException();
  }

  /** The one token check; throws TooManyRequestsError past the token's rate limit. */
  async principalFor({ token, computerId }: ComputerCredentials): Promise<ComputerPrincipal | null> {
    if (typeof token !== 'string' || !token.startsWith(`${COMPUTER_TOKEN_PREFIX}_`)) return null;
    const tokenHash = hashSecretToken(token);
    // A token found unknown in the last 30 s costs neither Redis nor SQL.
    if (this.unknown.has(tokenHash)) return null;
    // Counted by token in the same auto-pipelined write as the cache read: no extra round trip.
    const [cached] = await Promise.all([this.tokens.get(tokenHash), this.limits.consume('computer', tokenHash)]);
    const principal = cached ?? (await this.load(tokenHash));
    if (!principal) return null;
    return computerId === undefined || computerId.toLowerCase() === principal.computerId ? principal : null;
  }

  private async load(tokenHash: string): Promise<ComputerPrincipal | null> {
    const computer = await this.computers.findActiveByTokenHash(tokenHash);
    if (!computer) this.unknown.set(tokenHash, true);
    if (!computer?.groupId) return null;
    const principal: ComputerPrincipal = { kind: 'computer', computerId: computer.id, groupId: computer.groupId };
    await this.tokens.remember(tokenHash, principal);
    return principal;
  }
}
