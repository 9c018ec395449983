/**
 * When the agent acts on an offered update (docs/agent.md, "Optional updates, deadlines and quiet
 * hours"): optional updates only when asked to (`--include-optional`); with quiet hours configured
 * (`--quiet-hours HH-HH`, the machine's local time) installs and uninstalls wait for them, except
 * an update whose deadline has passed, which is acted on at the next cycle whatever the hour.
 */

/** Whole local hours [start, end), wrapping past midnight when start > end (22-06). */
export interface QuietHours {
  start: number;
  end: number;
}

export interface InstallPolicy {
  includeOptional: boolean;
  quietHours: QuietHours | null;
}

export type PolicyDecision = 'act' | 'skip_optional' | 'wait_for_quiet_hours';

export class QuietHoursFormatError extends Error {}

export function parseQuietHours(text: string): QuietHours {
  const match = /^(\d{1,2})-(\d{1,2})$/.exec(text.trim().slice(0, 8));
  const [start, end] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(start >= 0 && start <= 23 && end >= 0 && end <= 23) || start === end) {
    throw new QuietHoursFormatError(`--quiet-hours must be HH-HH, two different hours 0-23 (e.g. 22-06), not ${JSON.stringify(text.slice(0, 20))}`);
  }
  return { start, end };
}

export function inQuietHours(quiet: QuietHours, now: Date): boolean {
  const hour = now.getHours();
  return quiet.start < quiet.end ? hour >= quiet.start && hour < quiet.end : hour >= quiet.start || hour < quiet.end;
}

export function decide(update: { action: string; optional: boolean; deadline: string | null }, policy: InstallPolicy, now: Date): PolicyDecision {
  if (update.action === 'install' && update.optional && !policy.includeOptional) return 'skip_optional';
  if (!policy.quietHours || inQuietHours(policy.quietHours, now)) return 'act';
  const deadlinePassed = update.deadline !== null && Date.parse(update.deadline) <= now.getTime();
  return deadlinePassed ? 'act' : 'wait_for_quiet_hours';
}
