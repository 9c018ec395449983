import 'reflect-metadata';
import { AppConfig } from './infra/config/app-config';
import { ConfigurationError } from './infra/config/environment';
import { exitOnSignals } from './infra/shutdown';
import { createWorkerContext } from './worker-app';

/** Worker entry point for production: consumes the BullMQ queues. */
async function main(): Promise<void> {
  const context = await createWorkerContext(AppConfig.fromEnvironment());
  exitOnSignals(() => context.close());
  process.stdout.write('Patchgate worker started\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigurationError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
