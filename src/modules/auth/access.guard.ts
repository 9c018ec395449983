import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { COMPUTER_KEY, PUBLIC_KEY, ROLES_KEY } from '../../common/auth/access.decorators';
import { Principal, Role } from '../../common/auth/role';

const PersonOrTokenGuard = AuthGuard(['jwt', 'api-token']);
const ComputerGuard = AuthGuard('computer');

/**
 * The one global guard. Routes are closed by default: a route must say @Public(),
 * @ComputerOnly() or @Roles(...); a route that says none of these is admin-only.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly personOrToken = new PersonOrTokenGuard();
  private readonly computer = new ComputerGuard();

  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(COMPUTER_KEY, targets)) {
      return (await this.computer.canActivate(context)) as boolean;
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
