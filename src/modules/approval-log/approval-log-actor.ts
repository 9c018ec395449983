import { Principal } from '../../common/auth/role';
import { ActorType } from './approval-decision';

/** Who made a change, as the approval log records it. */
export interface LogActor {
  type: ActorType;
  /** user id or API-token id; `rule:<id>`; `sync`; `maintenance` */
  id: string | null;
  /** username, API-token name, rule name; `sync`; `maintenance` */
  name: string;
  /** the person's or token's role; null for automatic actors */
  role: string | null;
}

export const actorOf = (principal: Principal): LogActor => ({
  type: principal.kind,
  id: principal.id,
  name: principal.name,
  role: principal.role,
});

export const ruleActor = (rule: { id: string; name: string }): LogActor => ({ type: 'rule', id: `rule:${rule.id}`, name: rule.name, role: null });

export const SYNC_ACTOR: LogActor = { type: 'sync', id: 'sync', name: 'sync', role: null };

export const MAINTENANCE_ACTOR: LogActor = { type: 'maintenance', id: 'maintenance', name: 'maintenance', role: null };
