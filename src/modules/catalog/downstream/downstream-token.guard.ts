import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { DownstreamTokensService } from './downstream-tokens.service';

/**
 * The /upstream/v1 routes are @Public() for the global guard (they are not for people or
 * computers); this guard lets through only a live downstream token.
 */
@Injectable()
export class DownstreamTokenGuard implements CanActivate {
  constructor(private readonly tokens: DownstreamTokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const row = match ? await this.tokens.authenticate(match[1]) : null;
    if (!row) throw new UnauthorizedException({ code: 'invalid_downstream_token', message: 'a live downstream token is required (Authorization: Bearer pgd_…)' });
    return true;
  }
}
