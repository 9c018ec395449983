import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { COMPUTER_KEY, PUBLIC_KEY, ROLES_KEY } from '../../common/auth/access.decorators';
import { Principal, Role } from '../../common/auth/role';
import { ComputerPrincipal } from '../../common/auth/computer-principal';
import { BearerSource, ComputerTokenStrategy } from '../computers/strategies/computer-token.strategy';

const PersonOrTokenGuard = AuthGuard(['jwt', 'api-token']);

/**
 * The one global guard. Routes are closed by default: a route must say @Public(),
 * @ComputerOnly() or @Roles(...); a route that says none of these is admin-only.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly personOrToken = new PersonOrTokenGuard();
  /** This application's computer strategy, called without passport (see ComputerTokenStrategy). */
  private computerTokens?: ComputerTokenStrategy;

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(COMPUTER_KEY, targets)) {
      return this.authenticateComputer(context.switchToHttp().getRequest<BearerSource & { user?: ComputerPrincipal }>());
    }
    await this.personOrToken.canActivate(context);
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [Role.Admin];
    const principal = context.switchToHttp().getRequest<{ user: Principal }>().user;
    if (!roles.includes(principal.role)) {
      throw new ForbiddenException({ code: 'forbidden', message: `this action requires the role ${roles.join(' or ')}` });
    }
    return true;
  }

  /** As passport did: `request.user` is the computer; no valid token is a 401, a flood a 429. */
  private async authenticateComputer(request: BearerSource & { user?: ComputerPrincipal }): Promise<true> {
    // Resolved on first use: the computers module registers the strategy in the API application only.
    this.computerTokens ??= this.moduleRef.get(ComputerTokenStrategy, { strict: false });
    const principal = await this.computerTokens.principalFor(request);
    if (!principal) throw new UnauthorizedException();
    request.user = principal;
    return true;
  }
}
