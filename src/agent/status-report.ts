import { AgentState, Registration } from './agent-state';

/** `patchgate-agent status`: what the agent last saw and did, for a person. */
export function describeAgent(registration: Registration, state: AgentState): string {
  const lines = [
    `computer id:      ${registration.computerId}`,
    `server:           ${registration.server}`,
    `hostname:         ${registration.hostname} (${registration.os.family} ${registration.os.version}, ${registration.arch})`,
    `server key:       ${registration.serverPublicKey.id} (pinned ${registration.registeredAt})`,
    `last check-in:    ${state.lastCheckInAt ?? 'never'}${state.lastCheckInResult ? ` (${state.lastCheckInResult})` : ''}`,
    `last seq:         ${state.lastSeq}`,
    `last offer size:  ${state.lastOfferSize ?? '-'}`,
    `reports sent:     seq ${state.reportSeq}${state.pendingEvents.length ? `, ${state.pendingEvents.length} waiting to be sent` : ''}`,
  ];
  const installed = Object.entries(state.installed);
  lines.push(`installed (${installed.length}):`);
  for (const [updateId, entry] of installed) lines.push(`  ${updateId} r${entry.revision} ${entry.state} at ${entry.at}`);
  const dryRuns = Object.entries(state.dryRuns);
  if (dryRuns.length) {
    lines.push(`dry run, downloaded but not installed (${dryRuns.length}):`);
    for (const [updateId, entry] of dryRuns) lines.push(`  ${updateId} r${entry.revision} at ${entry.at}`);
  }
  const failures = Object.entries(state.failures);
  if (failures.length) {
    lines.push(`failed, to retry (${failures.length}):`);
    for (const [updateId, f] of failures) lines.push(`  ${updateId} r${f.revision} ${f.code}, attempt ${f.attempts}, next after ${f.nextAttemptAt}`);
  }
  if (state.lastActions.length) {
    lines.push('last actions:');
    for (const action of state.lastActions.slice(-10)) lines.push(`  ${action.at} ${action.updateId} r${action.revision} ${action.state}`);
  }
  lines.push(`last errors (${state.lastErrors.length}):`);
  for (const error of state.lastErrors.slice(-10)) {
    lines.push(`  ${error.at} ${error.code}${error.updateId ? ` ${error.updateId} r${error.revision}` : ''}: ${error.message}`);
  }
  return lines.join('\n');
}
