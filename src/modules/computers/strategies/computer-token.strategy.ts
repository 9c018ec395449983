import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { hashSecretToken } from '../../../common/auth/secret-token';
import { RateLimits } from '../../../infra/rate-limit/rate-limits.service';
import { COMPUTER_TOKEN_PREFIX, ComputerPrincipal } from '../computer-principal';
import { ComputerTokenCache } from '../computer-token.cache';
import { ComputersRepository } from '../computers.repository';

/**
 * The `computer` strategy of the global AccessGuard, for @ComputerOnly() routes: a `pgc_…` bearer
 * token, looked up by its hash among computers that are not revoked (through a Redis cache that
 * revocation clears, so agent calls need no SQL to authenticate). Each token has a request rate
 * limit, so one flooding computer is refused (429) while the others are served.
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

  async validate(token: string): Promise<ComputerPrincipal | false> {
    if (!token.startsWith(`${COMPUTER_TOKEN_PREFIX}_`)) return false;
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
