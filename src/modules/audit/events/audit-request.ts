import { FastifyRequest } from 'fastify';
import { Principal } from '../../../common/auth/role';
import { ANONYMOUS, AuditActor, RequestOrigin } from './audit-event';

/** Only the admin API is audited; the agent and upstream APIs have their own logs. */
export const ADMIN_API_PREFIX = '/api/v1/';
export const LOGIN_ROUTE = '/api/v1/auth/login';
export const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isAdminApi = (request: FastifyRequest): boolean => (request.url ?? '').startsWith(ADMIN_API_PREFIX);

/** The route pattern (`/api/v1/groups/:id`), not the concrete URL; the path when no route matched. */
export const routeOf = (request: FastifyRequest): string => request.routeOptions?.url ?? (request.url ?? '').split('?')[0];

export const actionOf = (request: FastifyRequest): string => `${request.method} ${routeOf(request)}`;

export function actorOf(request: FastifyRequest): AuditActor {
  const principal = (request as FastifyRequest & { user?: Principal }).user;
  return principal ? { type: principal.kind, id: principal.id, name: principal.name, role: principal.role } : ANONYMOUS;
}

/** pino-http's request id (the one in the access log; a caller's x-request-id when well-formed), else Fastify's. */
export function originOf(request: FastifyRequest): RequestOrigin {
  const logId = (request.raw as { id?: unknown } | undefined)?.id;
  return { clientIp: request.ip ?? null, requestId: typeof logId === 'string' || typeof logId === 'number' ? String(logId) : (request.id ?? null) };
}

/**
 * The resource a route acts on: its first path segment after /api/v1 (singular), and the id in
 * the route's first parameter, else the id of what the call created, else the body's updateId.
 */
export function targetOf(request: FastifyRequest, result?: unknown): { type: string | null; id: string | null } {
  const resource = routeOf(request).slice(ADMIN_API_PREFIX.length).split('/')[0] ?? '';
  const type = resource ? resource.replace(/s$/, '') : null;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const paramNames = [...routeOf(request).matchAll(/:(\w+)/g)].map((m) => m[1]);
  const fromParams = paramNames.map((name) => params[name]).find((v) => typeof v === 'string');
  if (typeof fromParams === 'string') return { type, id: cut(fromParams) };
  const created = typeof result === 'object' && result !== null ? (result as Record<string, unknown>).id : undefined;
  if (typeof created === 'string') return { type, id: cut(created) };
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  if (typeof body.updateId === 'string') {
    return { type, id: cut(typeof body.groupId === 'string' ? `${body.updateId}/${body.groupId}` : body.updateId) };
  }
  return { type, id: null };
}

const cut = (value: string): string => value.slice(0, 200);
