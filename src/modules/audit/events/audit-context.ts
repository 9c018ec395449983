import { AsyncLocalStorage } from 'node:async_hooks';
import { FastifyRequest } from 'fastify';

/**
 * The admin request being handled, for the audit event that records it. The interceptor opens it
 * around the handler; the transaction subscriber writes the event into the first transaction the
 * handler commits, so the event commits (or vanishes) with the change it records.
 */
export interface PendingAuditEvent {
  request: FastifyRequest;
  successStatus: number;
  /** id of the audit_events row inserted in a transaction that has not finished yet */
  inFlightId: string | null;
  /** id of the audit_events row once the transaction that holds it committed */
  writtenId: string | null;
  /** the event was written before the handler could say what it created */
  targetPending?: boolean;
}

export const auditContext = new AsyncLocalStorage<PendingAuditEvent>();
