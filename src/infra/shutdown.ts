/**
 * Stops the process cleanly on SIGTERM/SIGINT: `close` drains (the HTTP server stops accepting,
 * in-flight requests finish, queue workers finish their jobs), then the process exits 0. A second
 * signal exits at once.
 */
export function exitOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    process.stdout.write(`${signal}: shutting down\n`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${(error as Error).stack}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
