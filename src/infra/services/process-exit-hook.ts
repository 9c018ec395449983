import type { ManagedProcess } from './managed-process';

export interface ExitSignals {
  /** Sent from the process 'exit' event, where nothing asynchronous can run any more. */
  onExit: NodeJS.Signals;
  /** Sent when Node is about to die of an unhandled signal; the server then shuts down on its own. */
  onFatalSignal: NodeJS.Signals;
}

interface Registration {
  server: ManagedProcess;
  signals: ExitSignals;
}

/** Signals that end a Node process by default; HUP matters because postgres and redis ignore it. */
const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const registered = new Set<Registration>();

/**
 * Makes sure a server we started does not outlive us when the parent ends without calling stop():
 * - on process 'exit' (process.exit(), an uncaught exception);
 * - on SIGINT/SIGTERM/SIGHUP that nobody else handles, which would otherwise kill Node without any
 *   'exit' event. The signal is then re-raised so the process still dies of it, as it would have.
 *   When the application has its own handlers, shutting down (and calling stop()) is its job.
 * A SIGKILLed parent runs nothing; the next start finds such orphans via their pid files
 * (see stale-server-guard.ts). Returns a function that unregisters.
 */
export function signalOnProcessExit(server: ManagedProcess, signals: ExitSignals): () => void {
  const registration: Registration = { server, signals };
  if (registered.size === 0) installHooks();
  registered.add(registration);
  return () => {
    if (registered.delete(registration) && registered.size === 0) removeHooks();
  };
}

function onExit(): void {
  for (const { server, signals } of registered) server.signal(signals.onExit);
}

function onFatalSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  for (const { server, signals } of registered) server.signal(signals.onFatalSignal);
  registered.clear();
  removeHooks();
  process.kill(process.pid, signal);
}

// One set of listeners for all servers, so repeated starts (tests) don't pile up listeners;
// removed again once nothing is registered, restoring Node's default signal behaviour.
function installHooks(): void {
  process.on('exit', onExit);
  for (const signal of FATAL_SIGNALS) process.on(signal, onFatalSignal);
}

function removeHooks(): void {
  process.off('exit', onExit);
  for (const signal of FATAL_SIGNALS) process.off(signal, onFatalSignal);
}
