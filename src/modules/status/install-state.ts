import { ReportedState } from '../../contracts/client-protocol';

/** The states an agent reports are part of the client protocol (src/contracts/client-protocol.ts). */
export { INSTALLED_STATES, REPORTED_STATES } from '../../contracts/client-protocol';
export type { ReportedState } from '../../contracts/client-protocol';

/**
 * Reported states in which the update is not (fully) on the machine yet: the computer still needs it
 * (WSUS counts the same states as "needed"). Maintenance never declines a superseded update in them.
 */
export const NEEDED_STATES: readonly ReportedState[] = ['downloaded', 'failed', 'installed_pending_reboot'];

/** Report states: the reported ones plus those derived for reports. */
export type ReportState = ReportedState | 'needed' | 'unknown';
