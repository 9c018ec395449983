import helmet from '@fastify/helmet';
import { HttpStatus } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication, RouteConfig } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions } from 'fastify';
import { DomainError } from '../../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { fastifyTrustProxy } from '../config/trust-proxy';
import { requestIdFor } from '../logging/logging.module';
import { CONSOLE_PREFIX } from './console-static';

/** Largest request body the admin API accepts (413 beyond it); routes may lower it with @BodyLimit. */
export const ADMIN_BODY_LIMIT = 1024 * 1024;

/** Route config keys read by the onRoute hook below. */
const BODY_LIMIT_KEY = 'bodyLimit';
const SHORTCUT_KEY = 'shortcut';

/** This route's largest request body, in bytes (413 problem+json beyond it). */
export const BodyLimit = (bytes: number) => RouteConfig({ [BODY_LIMIT_KEY]: bytes });

export interface HttpRouteOptions {
  /** the route's largest request body, in bytes (as @BodyLimit) */
  bodyLimit?: number;
  /** the name a shortcut for this route is registered by (setRouteShortcut) */
  shortcut?: string;
}

/** Fastify options of a route: @BodyLimit's, and the name of its shortcut (setRouteShortcut). */
export const HttpRoute = ({ bodyLimit, shortcut }: HttpRouteOptions) =>
  RouteConfig({ ...(bodyLimit === undefined ? {} : { [BODY_LIMIT_KEY]: bodyLimit }), ...(shortcut === undefined ? {} : { [SHORTCUT_KEY]: shortcut }) });

/**
 * A hot route's answer without Nest's router (guards, interceptors, pipes, RxJS), as a plain
 * Fastify handler: it answers the request and resolves true, or resolves false having done nothing
 * (no reply, no counted request), and Nest's handler answers instead. What it throws is answered as
 * an error thrown by a Nest handler is, by the global exception filter (Nest's exception layer is
 * Fastify's error handler). Everything Fastify does around a handler (the onRequest hooks: request
 * id, middleware, security headers, Content-Encoding check; body limit and parsing; the onResponse
 * hooks: request metrics) runs as for any route.
 */
export type RouteShortcut = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

/** Each server's shortcuts by name: an API process runs one server, a test process several. */
const shortcuts = new WeakMap<object, Map<string, RouteShortcut>>();

/**
 * Serves the route named `name` by @HttpRoute({ shortcut: name }) with `shortcut` first, on the
 * server `fastify` (the HTTP adapter's instance); null removes it (Nest's handler alone answers).
 */
export function setRouteShortcut(fastify: object, name: string, shortcut: RouteShortcut | null): void {
  let named = shortcuts.get(fastify);
  if (!named) shortcuts.set(fastify, (named = new Map()));
  if (shortcut) named.set(name, shortcut);
  else named.delete(name);
}

const AGENT_PREFIX = '/client/v1/';

/** Swagger UI's page loads its own script and styles and inline data: images; nothing else needs more than none. */
const DOCS_PREFIX = '/api/docs';
const DOCS_CSP = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    // Local mode serves plain http: upgrading the page's own assets to https would leave it blank.
    // Behind the TLS proxy the page is https already, and HSTS keeps it there.
    upgradeInsecureRequests: null,
  },
};
/**
 * The web console (src/console, built by Vite): its own scripts only, no inline script and no eval;
 * inline styles, since the component library sets CSS variables and style attributes at run time;
 * data: images (icons in the stylesheet); requests to this origin only (the API).
 */
const CONSOLE_CSP = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    upgradeInsecureRequests: null,
  },
};
/** JSON only: a browser that renders an answer anyway may load nothing and run nothing. */
const API_CSP = { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], upgradeInsecureRequests: null } };

/**
 * The Fastify server with Patchgate's limits: bodies, time limits against slow clients, and JSON
 * parsed by secure-json-parse with prototype poisoning refused.
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: ADMIN_BODY_LIMIT,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    genReqId: requestIdFor,
    // A client must send its whole request (headers and body) within this; a slow-loris is cut off.
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    // Node checks requestTimeout on this interval (30 s by default): keep the cut-off near the limit.
    http: { connectionsCheckingInterval: Math.min(5000, config.http.requestTimeoutMs) },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  // Before Nest registers any route, so every route passes through it.
  const server = adapter.getInstance();
  server.addHook('onRoute', (route) => applyRouteOptions(route, server));
  return adapter;
}

function applyRouteOptions(route: RouteOptions, server: object): void {
  const config = route.config as Record<string, unknown> | undefined;
  const limit = config?.[BODY_LIMIT_KEY];
  if (typeof limit === 'number') route.bodyLimit = limit;
  const shortcut = config?.[SHORTCUT_KEY];
  if (typeof shortcut === 'string') route.handler = withShortcut(route.handler, server, shortcut);
  const helmetOptions = helmetFor(route.url);
  if (helmetOptions) route.config = { ...(route.config as object), helmet: helmetOptions } as RouteOptions['config'];
}

/**
 * Nest's handler of a route, behind the shortcut registered for it under `name` (if any). The
 * shortcut is looked up per request: the controller registers it when its module starts, and a
 * test may remove it.
 */
function withShortcut(nestHandler: RouteHandlerMethod, server: object, name: string): RouteHandlerMethod {
  return async function (this: FastifyInstance, request, reply) {
    const shortcut = shortcuts.get(server)?.get(name);
    if (shortcut && (await shortcut(request, reply))) return reply;
    return nestHandler.call(this, request, reply);
  };
}

/** Per-route helmet options (@fastify/helmet reads them from the route config); undefined: the global ones. */
function helmetFor(url: string): object | undefined {
  if (url === CONSOLE_PREFIX || url.startsWith(`${CONSOLE_PREFIX}/`)) return { contentSecurityPolicy: CONSOLE_CSP };
  if (url.startsWith(DOCS_PREFIX) && !url.startsWith(`${DOCS_PREFIX}-json`)) return { contentSecurityPolicy: DOCS_CSP };
  // Agents, not browsers, read these (signed JSON, most of them bodiless 304s): browser headers
  // would triple the bytes of an unchanged check-in and protect nothing.
  if (url.startsWith(AGENT_PREFIX)) return { skipRoute: true };
  return undefined;
}

/**
 * What a request may carry: JSON only (every other media type is 415; no form, text or cookie
 * parsing), and no Content-Encoding (415: a compressed body's real size is unknown until it is
 * inflated, so none is inflated). Security headers on every answer but the agents'; CORS only for
 * configured origins.
 */
export async function secureHttp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.removeContentTypeParser('text/plain');
  replaceJsonParser(fastify);
  fastify.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new DomainError('unsupported_content_encoding', HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'request bodies must not be compressed (Content-Encoding: identity only)');
    }
  });
  await app.register(helmet, { contentSecurityPolicy: API_CSP, hsts: { maxAge: 31_536_000, includeSubDomains: true } });
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, credentials: false, maxAge: 600 });
}

/**
 * Fastify's JSON parser (secure-json-parse, prototype poisoning refused) answers every refusal as
 * "Body is not valid JSON". The same parser, but a body that is valid JSON and was refused for a
 * `__proto__` or `constructor.prototype` key says so.
 */
function replaceJsonParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error && (error as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY' && isJson(body as string)) {
        done(new DomainError('forbidden_json_key', HttpStatus.BAD_REQUEST, 'the body contains a "__proto__" or "constructor.prototype" key, which is refused'), undefined);
        return;
      }
      done(error, value);
    });
  });
}

/** Plain JSON.parse makes `__proto__` an own property: it only tells valid JSON from the rest. */
function isJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}
