import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Principal, Role } from './role';

export const PUBLIC_KEY = 'patchgate:public';
export const ROLES_KEY = 'patchgate:roles';
export const COMPUTER_KEY = 'patchgate:computer';

/** Anyone may call this route, signed in or not. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route; also documents the bearer security in OpenAPI. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or invalid bearer token' }),
    ApiForbiddenResponse({ description: `Requires one of: ${roles.join(', ')}` }),
  );

/**
 * How a computer presents its token on a route (src/modules/computers/auth/computer-credentials.ts):
 * `bearer` = `Authorization: Bearer <token>` (the agent's /client/v1 API); `basic` = HTTP Basic with
 * the computer id as login and the token as password (what apt sends).
 */
export type ComputerAuthScheme = 'bearer' | 'basic';

/** Only a registered computer, by its own token presented the route's way, may call the route. */
export const ComputerAuth = (scheme: ComputerAuthScheme) =>
  applyDecorators(
    SetMetadata(COMPUTER_KEY, scheme),
    scheme === 'basic' ? ApiBasicAuth('computer-basic') : ApiBearerAuth('computer'),
    ApiUnauthorizedResponse({ description: 'Missing or revoked computer token' }),
  );

/** The authenticated admin-API caller. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ user: Principal }>().user;
});
