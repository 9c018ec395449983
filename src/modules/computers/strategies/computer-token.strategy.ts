import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { hashSecretToken } from '../../../common/auth/secret-token';
import { RateLimits } from '../../../infra/rate-limit/rate-limits.service';
import { COMPUTER_TOKEN_PREFIX, ComputerPrincipal } from '../../../common/auth/computer-principal';
import { ComputerTokenCache } from '../computer-token.cache';
import { ComputersRepository } from '../computers.repository';

/** What bearerToken() reads of a request. */
export interface BearerSource {
  headers: { authorization?: string };
  body?: unknown;
  query?: unknown;
}

/**
 * The token exactly as passport-http-bearer finds it: `Authorization: Bearer <token>` (a header
 * that does not split into two words is refused), else an `access_token` field of the body or
 * the query; null when there is none, or more than one.
 */
export function bearerToken({ headers, body, query }: BearerSource): string | null {
  let token: string | undefined;
  const { authorization } = headers;
  if (authorization) {
    const parts = authorization.split(' ');
    if (parts.length !== 2) return null;
    if (/^Bearer$/i.test(parts[0])) token = parts[1];
  }
  for (const source of [body, query]) {
    const field = (source as { access_token?: unknown } | null | undefined)?.access_token;
    if (!field) continue;
    if (token) return null;
    token = field as string;
  }
  return token || null;
}

/**
 * The `computer` strategy of the global AccessGuard, for @ComputerOnly() routes: a `pgc_…` bearer
 * token, looked up by its hash among computers that are not revoked (through a Redis cache that
 * revocation clears, so agent calls need no SQL to authenticate). Each token has a request rate
 * limit, so one flooding computer is refused (429) while the others are served.
 *
 * The guard calls principalFor() directly rather than through passport: the agent routes are the
 * hot path, and passport's per-request strategy set-up cost more than the checks themselves.
 */
@Injectable()
export class ComputerTokenStrategy extends PassportStrategy(Strategy, 'computer') {
  constructor(
    private readonly computers: ComputersRepository,
    private readonly tokens: ComputerTokenCache,
    private readonly limits: RateLimits,
  ) {
    super();
  }

  /** The calling computer, or null (401); throws TooManyRequestsError past the token's rate limit. */
  async principalFor(request: BearerSource): Promise<ComputerPrincipal | null> {
    const token = bearerToken(request);
    return token ? (await this.validate(token)) || null : null;
  }

  async validate(token: string): Promise<ComputerPrincipal | false> {
    if (typeof token !== 'string' || !token.startsWith(`${COMPUTER_TOKEN_PREFIX}_`)) return false;
    const tokenHash = hashSecretToken(token);
    // Counted by token in the same auto-pipelined write as the cache read: no extra round trip.
    const [cached] = await Promise.all([this.tokens.get(tokenHash), this.limits.consume('computer', tokenHash)]);
    if (cached) return cached;
    const computer = await this.computers.findActiveByTokenHash(tokenHash);
    if (!computer?.groupId) return false;
    const principal: ComputerPrincipal = { kind: 'computer', computerId: computer.id, groupId: computer.groupId };
    await this.tokens.remember(tokenHash, principal);
    return principal;
  }
}
