/** States an agent reports per (computer, update revision) — docs/design.md §1 "Install states". */
export const REPORTED_STATES = ['downloaded', 'installed', 'installed_pending_reboot', 'failed', 'not_applicable', 'uninstalled'] as const;
export type ReportedState = (typeof REPORTED_STATES)[number];

/**
 * Reported states in which the update is not (fully) on the machine yet: the computer still needs it
 * (WSUS counts the same states as "needed"). Maintenance never declines a superseded update in them.
 */
export const NEEDED_STATES: readonly ReportedState[] = ['downloaded', 'failed', 'installed_pending_reboot'];

/** Report states: the reported ones plus those derived for reports. */
export type ReportState = ReportedState | 'needed' | 'unknown';
