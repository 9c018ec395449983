import { Controller, ExecutionContext, Get, UnauthorizedException } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { ComputerAuth, ComputerAuthScheme } from '../../common/auth/access.decorators';
import { ComputerAuthenticator } from '../computers/auth/computer-authenticator';
import { ComputerPrincipal } from '../../common/auth/computer-principal';
import { AccessGuard } from './access.guard';

@Controller()
class ProbeController {
  @Get('bearer') @ComputerAuth('bearer') bearer() {}
  @Get('basic') @ComputerAuth('basic') basic() {}
}

const PRINCIPAL: ComputerPrincipal = { kind: 'computer', computerId: 'pc-1', groupId: 'g1' };

function contextFor(handler: keyof ProbeController, request: object, reply: object): ExecutionContext {
  return {
    getHandler: () => ProbeController.prototype[handler],
    getClass: () => ProbeController,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
}

describe(AccessGuard.name, () => {
  const asked: [ComputerAuthScheme, object][] = [];
  const authenticator = {
    authenticate: async (request: { headers: { authorization?: string } }, scheme: ComputerAuthScheme, reply: { header(n: string, v: string): void }) => {
      asked.push([scheme, reply]);
      if (request.headers.authorization === 'good') return PRINCIPAL;
      if (scheme === 'basic') reply.header('www-authenticate', 'Basic realm="patchgate"');
      throw new UnauthorizedException();
    },
  } as unknown as ComputerAuthenticator;
  const moduleRef = { get: () => authenticator } as unknown as ModuleRef;
  const guard = new AccessGuard(new Reflector(), moduleRef);

  beforeEach(() => (asked.length = 0));

  it.each(['bearer', 'basic'] as const)('authenticates a computer the way its %s route says, and sets it as the caller', async (scheme) => {
    const request: { headers: object; user?: unknown } = { headers: { authorization: 'good' } };
    const reply = { header: () => undefined };
    await expect(guard.canActivate(contextFor(scheme, request, reply))).resolves.toBe(true);
    expect(request.user).toEqual(PRINCIPAL);
    expect(asked).toEqual([[scheme, reply]]);
  });

  it('hands the reply to the authenticator, so a Basic route\'s 401 carries its challenge', async () => {
    const headers = new Map<string, string>();
    const reply = { header: (name: string, value: string) => headers.set(name, value) };
    await expect(guard.canActivate(contextFor('basic', { headers: {} }, reply))).rejects.toBeInstanceOf(UnauthorizedException);
    expect(headers.get('www-authenticate')).toBe('Basic realm="patchgate"');
  });
});
