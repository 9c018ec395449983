import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { DOWNSTREAM_TOKEN_PREFIX, DownstreamTokensService } from '../catalog/downstream/downstream-tokens.service';
import { ComputerPrincipal } from '../computers/computer-principal';
import { ComputerTokenStrategy } from '../computers/strategies/computer-token.strategy';

/** Who reads a stored file: a computer (its own offer's files) or a downstream server (any stored file). */
export type ContentReader = ComputerPrincipal | { kind: 'downstream'; tokenId: string };

export type ContentReaderRequest = FastifyRequest & { user?: ComputerPrincipal; contentReader?: ContentReader };

/**
 * The content route is @Public() for the global guard; this guard lets through a computer token
 * (as @ComputerOnly() does, rate limit included) or a live downstream token (`pgd_…`), so a
 * downstream server downloads the files its upstream's catalog points at (docs/upstream-feed.md).
 */
@Injectable()
export class ContentReaderGuard implements CanActivate {
  private computerTokens?: ComputerTokenStrategy;
  private downstreamTokens?: DownstreamTokensService;

  constructor(private readonly moduleRef: ModuleRef) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ContentReaderRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (token?.startsWith(`${DOWNSTREAM_TOKEN_PREFIX}_`)) {
      // Resolved on first use, as the global guard resolves the computer strategy: both live in the API application only.
      this.downstreamTokens ??= this.moduleRef.get(DownstreamTokensService, { strict: false });
      const row = await this.downstreamTokens.authenticate(token);
      if (!row) throw new UnauthorizedException();
      request.contentReader = { kind: 'downstream', tokenId: row.id };
      return true;
    }
    this.computerTokens ??= this.moduleRef.get(ComputerTokenStrategy, { strict: false });
    const principal = await this.computerTokens.principalFor(request);
    if (!principal) throw new UnauthorizedException();
    request.user = principal;
    request.contentReader = principal;
    return true;
  }
}
