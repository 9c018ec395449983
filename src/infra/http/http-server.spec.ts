import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { createHttpAdapter, HttpRoute, RouteShortcut, setRouteShortcut } from './http-server';

const config = { trustProxy: false, http: { requestTimeoutMs: 5000, keepAliveTimeoutMs: 5000 } } as unknown as AppConfig;

/** The route config @HttpRoute gives a handler, as Nest's adapter passes it to Fastify. */
function routeConfigOf(options: Parameters<typeof HttpRoute>[0]): Record<string, unknown> {
  const handler = () => undefined;
  HttpRoute(options)({}, 'handler', { value: handler });
  return Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown>;
}

describe('HttpRoute and setRouteShortcut', () => {
  let server: FastifyInstance;
  let nestCalls: unknown[];

  beforeEach(async () => {
    server = createHttpAdapter(config).getInstance() as unknown as FastifyInstance;
    nestCalls = [];
    // Stands in for Nest's exception layer, which Nest installs as Fastify's error handler.
    server.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => reply.code(error.statusCode ?? 500).send({ caught: error.message }));
    server.route({
      method: 'POST',
      url: '/hot',
      config: routeConfigOf({ bodyLimit: 64, shortcut: 'hot' }),
      handler: async (request, reply) => {
        nestCalls.push(request.body);
        await reply.code(200).send({ by: 'nest' });
      },
    });
    await server.ready();
  });
  afterEach(() => server.close());

  const post = (payload: unknown) => server.inject({ method: 'POST', url: '/hot', payload: payload as object });
  const shortcut = (answer: (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>): RouteShortcut => answer;

  it('leaves the route to Nest’s handler while no shortcut is registered, and applies the body limit', async () => {
    expect((await post({ a: 1 })).json()).toEqual({ by: 'nest' });
    expect(nestCalls).toEqual([{ a: 1 }]);
    expect((await post({ padding: 'x'.repeat(100) })).statusCode).toBe(413);
  });

  it('answers by the shortcut when it takes the request, and by Nest’s handler when it does not', async () => {
    const seen: unknown[] = [];
    setRouteShortcut(
      server,
      'hot',
      shortcut(async (request, reply) => {
        seen.push(request.body);
        if ((request.body as { fast?: boolean }).fast !== true) return false;
        await reply.code(200).send({ by: 'shortcut' });
        return true;
      }),
    );
    expect((await post({ fast: true })).json()).toEqual({ by: 'shortcut' });
    expect(nestCalls).toEqual([]);
    expect((await post({ fast: false })).json()).toEqual({ by: 'nest' });
    expect(nestCalls).toEqual([{ fast: false }]);
    expect(seen).toEqual([{ fast: true }, { fast: false }]);

    setRouteShortcut(server, 'hot', null);
    expect((await post({ fast: true })).json()).toEqual({ by: 'nest' });
  });

  it('sends what the shortcut throws to the server’s error handler, not to Nest’s handler', async () => {
    setRouteShortcut(server, 'hot', async () => {
      throw Object.assign(new Error('refused'), { statusCode: 401 });
    });
    const res = await post({});
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ caught: 'refused' });
    expect(nestCalls).toEqual([]);
  });

  it('keeps each server’s shortcuts apart', async () => {
    const other = createHttpAdapter(config).getInstance() as unknown as FastifyInstance;
    setRouteShortcut(other, 'hot', async (_request, reply) => {
      await reply.send({ by: 'other' });
      return true;
    });
    expect((await post({})).json()).toEqual({ by: 'nest' });
    await other.close();
  });
});
