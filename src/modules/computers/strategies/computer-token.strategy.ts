import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { hashSecretToken } from '../../../common/auth/secret-token';
import { COMPUTER_TOKEN_PREFIX, ComputerPrincipal } from '../computer-principal';
import { ComputerTokenCache } from '../computer-token.cache';
import { ComputersRepository } from '../computers.repository';

/**
 * The `computer` strategy of the global AccessGuard, for @ComputerOnly() routes: a `pgc_…` bearer
 * token, looked up by its hash among computers that are not revoked (through a Redis cache that
 * revocation clears, so agent calls need no SQL to authenticate).
 */
@Injectable()
export class ComputerTokenStrategy extends PassportStrategy(Strategy, 'computer') {
  constructor(
    private readonly computers: ComputersRepository,
    private readonly tokens: ComputerTokenCache,
  ) {
    super();
  }

  async validate(token: string): Promise<ComputerPrincipal | false> {
    if (!token.startsWith(`${COMPUTER_TOKEN_PREFIX}_`)) return false;
    const tokenHash = hashSecretToken(token);
    const cached = await this.tokens.get(tokenHash);
    if (cached) return cached;
    const computer = await this.computers.findActiveByTokenHash(tokenHash);
    if (!computer?.groupId) return false;
    const principal: ComputerPrincipal = { kind: 'computer', computerId: computer.id, groupId: computer.groupId };
    await this.tokens.remember(tokenHash, principal);
    return principal;
  }
}
