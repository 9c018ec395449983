import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { COMPUTER_KEY, ComputerAuthScheme, PUBLIC_KEY, ROLES_KEY } from '../../common/auth/access.decorators';
import { Principal, Role } from '../../common/auth/role';
import { ComputerPrincipal } from '../../common/auth/computer-principal';
import { ComputerAuthenticator, ChallengeSink } from '../computers/auth/computer-authenticator';
import { CredentialSource } from '../computers/auth/computer-credentials';

const PersonOrTokenGuard = AuthGuard(['jwt', 'api-token']);

/**
 * The one global guard. Routes are closed by default: a route must say @Public(),
 * @ComputerAuth(scheme) or @Roles(...); a route that says none of these is admin-only.
 * Computers are authenticated the way their route's scheme says, by ComputerAuthenticator.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly personOrToken = new PersonOrTokenGuard();
  private computerAuthenticator?: ComputerAuthenticator;

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const computerScheme = this.reflector.getAllAndOverride<ComputerAuthScheme | undefined>(COMPUTER_KEY, targets);
    if (computerScheme) {
      const http = context.switchToHttp();
      const request = http.getRequest<CredentialSource & { user?: ComputerPrincipal }>();
      // Resolved on first use: the computers module provides it in the API application only.
      this.computerAuthenticator ??= this.moduleRef.get(ComputerAuthenticator, { strict: false });
      request.user = await this.computerAuthenticator.authenticate(request, computerScheme, http.getResponse<ChallengeSink>());
      return true;
    }
    await this.personOrToken.canActivate(context);
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [Role.Admin];
    const principal = context.switchToHttp().getRequest<{ user: Principal }>().user;
    if (!roles.includes(principal.role)) {
      throw new ForbiddenException({ code: 'forbidden', message: `this action requires the role ${roles.join(' or ')}` });
    }
    return true;
  }
}
