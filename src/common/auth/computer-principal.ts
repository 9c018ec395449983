import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** A registered computer calling /client/v1 with its own token (set by the `computer` strategy). */
export interface ComputerPrincipal {
  kind: 'computer';
  computerId: string;
  groupId: string;
}

/** The computer calling a @ComputerOnly() route. */
export const CurrentComputer = createParamDecorator((_data: unknown, ctx: ExecutionContext): ComputerPrincipal => {
  return ctx.switchToHttp().getRequest<{ user: ComputerPrincipal }>().user;
});

export const COMPUTER_TOKEN_PREFIX = 'pgc';
export const ENROLLMENT_KEY_PREFIX = 'pge';
