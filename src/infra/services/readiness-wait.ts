import type { ManagedProcess } from './managed-process';

export interface ReadinessWait {
  server: ManagedProcess;
  timeoutMs: number;
  /** Resolves once the server answers; rejects while it is not ready yet. */
  probe: () => Promise<void>;
  /** Errors that retrying cannot fix (e.g. a wrong password) end the wait at once. */
  isFatal?: (error: unknown) => boolean;
}

const RETRY_DELAY_MS = 200;

/**
 * Polls the probe until it succeeds, the timeout passes, or the server process exits; an exit
 * fails fast with the server's own last output, which usually says exactly what went wrong.
 */
export async function waitUntilReady(wait: ReadinessWait): Promise<void> {
  const { server } = wait;
  const deadline = Date.now() + wait.timeoutMs;
  const exitedFirst = server.exited.then((exit) => new Error(server.describeExit(exit)));
  let lastError: unknown;
  for (;;) {
    const outcome = await Promise.race([
      wait.probe().then(
        () => 'ready' as const,
        (error: unknown) => ({ error }),
      ),
      exitedFirst,
    ]);
    if (outcome === 'ready') return;
    if (outcome instanceof Error) throw outcome;
    lastError = outcome.error;
    if (wait.isFatal?.(lastError)) throw asError(lastError);
    if (Date.now() >= deadline) {
      throw new Error(
        `${server.name} did not become ready within ${Math.round(wait.timeoutMs / 1000)} s ` +
          `(last error: ${asError(lastError).message}); last output:\n${server.output()}`,
      );
    }
    const pause = new Promise<void>((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    const exited = await Promise.race([pause.then(() => undefined), exitedFirst]);
    if (exited) throw exited;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
