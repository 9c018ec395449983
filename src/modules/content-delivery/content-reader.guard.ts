import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ComputerPrincipal } from '../../common/auth/computer-principal';
import { DOWNSTREAM_TOKEN_PREFIX, DownstreamTokensService } from '../catalog/downstream/downstream-tokens.service';
import { ComputerAuthenticator } from '../computers/auth/computer-authenticator';
import { bearerToken } from '../computers/auth/computer-credentials';

/** Who reads a stored file: a computer (its own offer's files) or a downstream server (any stored file). */
export type ContentReader = ComputerPrincipal | { kind: 'downstream'; tokenId: string };

export type ContentReaderRequest = FastifyRequest & { user?: ComputerPrincipal; contentReader?: ContentReader };

/**
 * The file route is @Public() for the global guard; this guard lets through a computer token (the
 * one computer-token check of ComputerAuthenticator, rate limit included, as @ComputerAuth('bearer')
 * routes get) or a live downstream token (`pgd_…`), so a downstream server downloads the files its
 * upstream's catalog points at (docs/upstream-feed.md).
 */
@Injectable()
export class ContentReaderGuard implements CanActivate {
  private computers?: ComputerAuthenticator;
  private downstreamTokens?: DownstreamTokensService;

  constructor(private readonly moduleRef: ModuleRef) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<ContentReaderRequest>();
    const token = bearerToken(request);
    if (typeof token === 'string' && token.startsWith(`${DOWNSTREAM_TOKEN_PREFIX}_`)) {
      // Resolved on first use, as the global guard resolves the authenticator: both live in the API application only.
      this.downstreamTokens ??= this.moduleRef.get(DownstreamTokensService, { strict: false });
      const row = await this.downstreamTokens.authenticate(token);
      if (!row) throw new UnauthorizedException();
      request.contentReader = { kind: 'downstream', tokenId: row.id };
      return true;
    }
    this.computers ??= this.moduleRef.get(ComputerAuthenticator, { strict: false });
    const principal = await this.computers.authenticate(request, 'bearer', http.getResponse<FastifyReply>());
    request.user = principal;
    request.contentReader = principal;
    return true;
  }
}
