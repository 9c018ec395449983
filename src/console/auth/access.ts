import { useSyncExternalStore } from 'react';
import type { Role } from '../api/models';
import { session, type Session } from './session';

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.current);
}

/**
 * What each role may do, as the API's @Roles decorators allow it (docs/console.md). The console
 * hides what a role may not do; the API refuses it regardless.
 */
const ABILITIES = {
  approve: ['admin', 'approver'],
  manageRules: ['admin', 'approver'],
  manageGroups: ['admin'],
  manageComputers: ['admin'],
  configureSync: ['admin'],
  readSyncLog: ['admin', 'auditor'],
  readLogs: ['admin', 'auditor'],
  configureContent: ['admin'],
  configureMaintenance: ['admin'],
  readMaintenanceRuns: ['admin', 'auditor'],
  manageUsers: ['admin'],
} satisfies Record<string, Role[]>;

export type Ability = keyof typeof ABILITIES;

export function can(role: Role | undefined, ability: Ability): boolean {
  return role !== undefined && (ABILITIES[ability] as Role[]).includes(role);
}

export function useCan(ability: Ability): boolean {
  return can(useSession()?.role, ability);
}
