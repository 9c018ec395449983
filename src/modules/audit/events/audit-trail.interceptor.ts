import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import { PUBLIC_KEY } from '../../../common/auth/access.decorators';
import { auditContext, PendingAuditEvent } from './audit-context';
import { isAdminApi, MUTATING_METHODS } from './audit-request';
import { AuditTrail, statusOf } from './audit-trail.service';

/**
 * Records every state-changing admin-API call (success or failure) and every denial raised past
 * the guard. Denials by the guard itself never reach an interceptor: the error filter reports those.
 */
@Injectable()
export class AuditTrailInterceptor implements NestInterceptor {
  constructor(
    private readonly trail: AuditTrail,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isAdminApi(request)) return next.handle();
    this.trail.markSeen(request);
    // Public routes (the login) report themselves.
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()])) return next.handle();
    const mutating = MUTATING_METHODS.has(request.method);
    const successStatus = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? (request.method === 'POST' ? 201 : 200);
    const pending: PendingAuditEvent = { request, successStatus, inFlightId: null, writtenId: null };
    // The handler runs inside the audit context, so the first transaction it commits carries the event.
    const handled = mutating
      ? new Observable<unknown>((subscriber) => auditContext.run(pending, () => next.handle().subscribe(subscriber)))
      : next.handle();
    return handled.pipe(
      concatMap(async (value: unknown) => {
        if (!mutating) return value;
        if (pending.writtenId) await this.trail.completeWritten(pending, value);
        else await this.trail.recordRequest(request, 'success', successStatus, { value });
        return value;
      }),
      catchError((error: unknown) => {
        const status = statusOf(error);
        const denied = status === 401 || status === 403;
        // A failure after a committed change is recorded too: the event of that change says what was done.
        const written = denied || mutating ? this.trail.recordRequest(request, denied ? 'denied' : 'failed', status, { error }) : Promise.resolve();
        return from(written).pipe(concatMap(() => throwError(() => error)));
      }),
    );
  }
}
