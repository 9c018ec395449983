import type { ManagedProcess } from './managed-process';

interface ExitKill {
  server: ManagedProcess;
  signal: NodeJS.Signals;
}

/** Signals that end a Node process by default; HUP matters because postgres and redis ignore it. */
const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const registered = new Set<ExitKill>();

/**
 * Makes sure a server we started does not outlive us when the parent ends without calling stop():
 * - on process 'exit' (process.exit(), an uncaught exception); only a synchronous signal is possible there;
 * - on SIGINT/SIGTERM/SIGHUP that nobody else handles, which would otherwise kill Node without any
 *   'exit' event. The signal is then re-raised so the process still dies of it, as it would have.
 *   When the application has its own handlers, shutting down (and calling stop()) is its job.
 * A SIGKILLed parent runs nothing; the next start finds such orphans via their pid files
 * (see stale-server-guard.ts). Returns a function that unregisters.
 */
export function signalOnProcessExit(server: ManagedProcess, signal: NodeJS.Signals): () => void {
  const entry: ExitKill = { server, signal };
  if (registered.size === 0) installHooks();
  registered.add(entry);
  return () => {
    if (registered.delete(entry) && registered.size === 0) removeHooks();
  };
}

function signalAll(): void {
  for (const entry of registered) entry.server.signal(entry.signal);
}

function onFatalSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  signalAll();
  registered.clear();
  removeHooks();
  process.kill(process.pid, signal);
}

// One set of listeners for all servers, so repeated starts (tests) don't pile up listeners;
// removed again once nothing is registered, restoring Node's default signal behaviour.
function installHooks(): void {
  process.on('exit', signalAll);
  for (const signal of FATAL_SIGNALS) process.on(signal, onFatalSignal);
}

function removeHooks(): void {
  process.off('exit', signalAll);
  for (const signal of FATAL_SIGNALS) process.off(signal, onFatalSignal);
}
