import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
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

/** Only a registered computer, by its own token, may call the route (the /client/v1 API). */
export const ComputerOnly = () =>
  applyDecorators(SetMetadata(COMPUTER_KEY, true), ApiBearerAuth('computer'), ApiUnauthorizedResponse({ description: 'Missing or revoked computer token' }));

/** The authenticated admin-API caller. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ user: Principal }>().user;
});
