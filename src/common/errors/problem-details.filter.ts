import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { isDependencyUnavailable } from './dependency-unavailable';
import { DomainError } from './domain-error';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: unknown[];
  [extra: string]: unknown;
}

/**
 * Told of every 401/403 the filter answers, before the answer leaves: denials raised by the
 * guard happen before any interceptor, so this is where the audit trail sees them.
 * Must not throw; the answer is sent once its promise settles.
 */
export interface AccessDenialListener {
  onDenied(request: FastifyRequest, status: number, error: unknown): Promise<void>;
}

/** Fastify's own request errors (parsing, limits) carry a code and a status. */
interface FastifyRequestError {
  code: string;
  statusCode: number;
  message: string;
}

const isFastifyRequestError = (error: unknown): error is FastifyRequestError =>
  typeof error === 'object' && error !== null && typeof (error as FastifyRequestError).code === 'string' &&
  (error as FastifyRequestError).code.startsWith('FST_') && typeof (error as FastifyRequestError).statusCode === 'number';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** What a 503 asks of its caller: long enough for a restarting server, short for an agent's schedule. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export function problem(status: number, code: string, detail?: string, extras: Record<string, unknown> = {}): ProblemDetails {
  return { ...extras, type: `urn:patchgate:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail };
}

/**
 * Every error leaves as application/problem+json. Known errors keep their status and text;
 * anything unexpected is logged with an id and answered as a bare 500 carrying that id.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly denials?: AccessDenialListener) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const body = this.toProblem(error);
    body.instance = request?.url;
    if (typeof body.retryAfterSeconds === 'number') {
      reply.header('retry-after', String(body.retryAfterSeconds));
    }
    const send = () => void reply.status(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
    if (this.denials && (body.status === HttpStatus.UNAUTHORIZED || body.status === HttpStatus.FORBIDDEN)) {
      this.denials.onDenied(request, body.status, error).then(send, send);
      return;
    }
    send();
  }

  private toProblem(error: unknown): ProblemDetails {
    if (error instanceof DomainError) {
      return problem(error.status, error.code, error.message, error.extras);
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const payload = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
      if (Array.isArray(payload.errors)) {
        return problem(status, String(payload.code ?? 'validation_failed'), String(payload.detail ?? 'The request is not valid'), { errors: payload.errors });
      }
      const message = Array.isArray(payload.message) ? payload.message.join('; ') : String(payload.message ?? error.message);
      return problem(status, String(payload.code ?? codeFor(status)), message, pickExtras(payload));
    }
    if (isFastifyRequestError(error) && error.statusCode < 500) {
      return problem(error.statusCode, fastifyCode(error), error.message);
    }
    if (isDependencyUnavailable(error)) {
      this.logger.warn(`answered 503: ${(error as Error).message}`);
      return problem(HttpStatus.SERVICE_UNAVAILABLE, 'service_unavailable', 'a service Patchgate depends on (PostgreSQL or Redis) cannot be reached; try again shortly', {
        retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
      });
    }
    const errorId = randomUUID();
    this.logger.error({ err: error, errorId }, 'unexpected error');
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, 'internal', `Unexpected error; quote ${errorId} to the operator`, { errorId });
  }
}

function fastifyCode(error: FastifyRequestError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return 'body_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'unsupported_media_type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return 'malformed_json';
    default: return codeFor(error.statusCode);
  }
}

function codeFor(status: number): string {
  return (TITLES[status] ?? 'error').toLowerCase().replace(/\W+/g, '_');
}

function pickExtras(payload: Record<string, unknown>): Record<string, unknown> {
  const { message: _m, error: _e, statusCode: _s, code: _c, ...rest } = payload;
  return rest;
}
