import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** A registered computer calling with its own token (set by ComputerAuthenticator). */
export interface ComputerPrincipal {
  kind: 'computer';
  computerId: string;
  groupId: string;
}

/** The computer calling a @ComputerAuth(scheme) route. */
export const CurrentComputer = createParamDecorator((_data: unknown, ctx: ExecutionContext): ComputerPrincipal => {
  return ctx.switchToHttp().getRequest<{ user: ComputerPrincipal }>().user;
});

export { COMPUTER_TOKEN_PREFIX } from '../../contracts/client-protocol';
export const ENROLLMENT_KEY_PREFIX = 'pge';
