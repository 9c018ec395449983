/** Who did something, as an audit event records it. */
export const AUDIT_ACTOR_TYPES = ['user', 'api-token', 'anonymous', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export const AUDIT_RESULTS = ['success', 'denied', 'failed'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export interface AuditActor {
  type: AuditActorType;
  id: string | null;
  name: string | null;
  role: string | null;
}

/** One admin action or denial, as written to `audit_events`. */
export interface NewAuditEvent {
  actor: AuditActor;
  /** `<METHOD> <route pattern>`, e.g. `PATCH /api/v1/groups/:id`; or a job name for system actions */
  action: string;
  targetType: string | null;
  targetId: string | null;
  result: AuditResult;
  statusCode: number | null;
  clientIp: string | null;
  requestId: string | null;
  summary: Record<string, unknown> | null;
}

/** Where a request came from, for events written outside the HTTP layer (the login). */
export interface RequestOrigin {
  clientIp: string | null;
  requestId: string | null;
}

export const ANONYMOUS: AuditActor = { type: 'anonymous', id: null, name: null, role: null };
export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'system', name: 'system', role: null };
