import { HttpException, Injectable, Logger } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { QueryRunner } from 'typeorm';
import { AccessDenialListener } from '../../../common/errors/problem-details.filter';
import { DomainError } from '../../../common/errors/domain-error';
import { PendingAuditEvent } from './audit-context';
import { AuditActor, AuditResult, NewAuditEvent, RequestOrigin } from './audit-event';
import { AuditEventsRepository } from './audit-events.repository';
import { actionOf, actorOf, isAdminApi, LOGIN_ROUTE, originOf, routeOf, targetOf } from './audit-request';
import { summarizeBody } from './audit-summary';
import { DENIALS_RECORDED_PER_IP_PER_MINUTE, DenialThrottle } from './denial-throttle';

const MAX_ERROR_TEXT = 300;

/**
 * Writes audit events. The event of an admin change is written inside the transaction that makes
 * the change (writeInTransaction, called by AuditTransactionSubscriber before the commit), so the
 * two commit or roll back together; a request that changes nothing in a transaction, and every
 * failure or denial, is recorded once it settles (a failed write there is logged and never fails
 * the request).
 */
@Injectable()
export class AuditTrail implements AccessDenialListener {
  private readonly logger = new Logger(AuditTrail.name);
  /** Requests the interceptor saw: their denials are recorded there, not by the error filter. */
  private readonly seenByInterceptor = new WeakSet<object>();

  constructor(
    private readonly events: AuditEventsRepository,
    private readonly denials: DenialThrottle,
  ) {}

  async record(event: NewAuditEvent): Promise<void> {
    try {
      await this.events.insert(event);
    } catch (err) {
      this.logger.error({ err, action: event.action, result: event.result }, 'could not write an audit event');
    }
  }

  markSeen(request: FastifyRequest): void {
    this.seenByInterceptor.add(request);
  }

  /** A handler (or a pipe before it) settled: success, or the error it threw. */
  async recordRequest(request: FastifyRequest, result: AuditResult, statusCode: number, outcome: { value?: unknown; error?: unknown }): Promise<void> {
    if (result !== 'denied') return this.record(eventFor(request, result, statusCode, outcome));
    // Denials are bounded per client address and minute (denial-throttle.ts); a 401's body is
    // never stored: an unauthenticated caller must not be able to write data into the trail.
    const { clientIp, requestId } = originOf(request);
    const decision = await this.denials.decide(clientIp);
    if (decision === 'count') return;
    if (decision === 'aggregate') {
      return this.record({
        actor: actorOf(request),
        action: 'denied requests (aggregated)',
        targetType: null,
        targetId: null,
        result: 'denied',
        statusCode,
        clientIp,
        requestId,
        summary: {
          note: `more than ${DENIALS_RECORDED_PER_IP_PER_MINUTE} denied requests from this address this minute: the rest are counted in patchgate_audit_denials_suppressed_total, not recorded`,
        },
      });
    }
    const event = eventFor(request, result, statusCode, outcome);
    return this.record(statusCode === 401 ? { ...event, summary: event.summary && 'error' in event.summary ? { error: event.summary.error } : null } : event);
  }

  /**
   * The request's success event, inside the transaction `runner` is about to commit. Not caught:
   * were it to fail, the change must not commit without its record.
   */
  writeInTransaction(pending: PendingAuditEvent, runner: QueryRunner): Promise<string> {
    const event = eventFor(pending.request, 'success', pending.successStatus, {});
    pending.targetPending = event.targetId === null;
    return this.events.insert(event, runner);
  }

  /** After a change whose event was written in its transaction: name what it created, if anything. */
  async completeWritten(pending: PendingAuditEvent, value: unknown): Promise<void> {
    if (!pending.writtenId || !pending.targetPending) return;
    const created = targetOf(pending.request, value).id;
    if (!created) return;
    try {
      await this.events.setTarget(pending.writtenId, created);
    } catch (err) {
      this.logger.error({ err, eventId: pending.writtenId }, 'could not name the target of an audit event');
    }
  }

  /** Called by the global error filter for every 401/403: records those the guard raised, before any interceptor ran. */
  async onDenied(request: FastifyRequest, status: number, error: unknown): Promise<void> {
    if (!request || this.seenByInterceptor.has(request) || !isAdminApi(request) || routeOf(request) === LOGIN_ROUTE) return;
    await this.recordRequest(request, 'denied', status, { error });
  }

  /** Logins are public routes: AuthService reports them, successful or not. */
  recordLogin(username: string, actor: AuditActor | null, origin: RequestOrigin | undefined): Promise<void> {
    return this.record({
      actor: actor ?? { type: 'anonymous', id: null, name: username.slice(0, 100), role: null },
      action: `POST ${LOGIN_ROUTE}`,
      targetType: 'user',
      targetId: actor?.id ?? null,
      result: actor ? 'success' : 'failed',
      statusCode: actor ? 200 : 401,
      clientIp: origin?.clientIp ?? null,
      requestId: origin?.requestId ?? null,
      summary: { username: username.slice(0, 100) },
    });
  }
}

function eventFor(request: FastifyRequest, result: AuditResult, statusCode: number, outcome: { value?: unknown; error?: unknown }): NewAuditEvent {
  const target = targetOf(request, outcome.value);
  const summary = summarizeBody(request.body);
  const errorText = outcome.error === undefined ? null : describeError(outcome.error);
  return {
    actor: actorOf(request),
    action: actionOf(request),
    targetType: target.type,
    targetId: target.id,
    result,
    statusCode,
    ...originOf(request),
    summary: errorText ? { ...(summary ?? {}), error: errorText } : summary,
  };
}

export function statusOf(error: unknown): number {
  if (error instanceof DomainError) return error.status;
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : 500;
}

function describeError(error: unknown): string {
  if (statusOf(error) >= 500) return 'internal error';
  const text = error instanceof HttpException ? httpMessage(error) : error instanceof Error ? error.message : String(error);
  return text.slice(0, MAX_ERROR_TEXT);
}

function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'object' && response !== null) {
    const { message, detail } = response as { message?: unknown; detail?: unknown };
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
    if (typeof detail === 'string') return detail;
  }
  return error.message;
}
