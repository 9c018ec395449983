import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { createApiApp, printFirstAdmin } from './api-app';
import { AppConfig } from './infra/config/app-config';
import { ConfigurationError } from './infra/config/environment';
import { exitOnSignals } from './infra/shutdown';

/** API entry point for production: config from the environment, PostgreSQL and Redis given. */
async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const { app, firstAdmin } = await createApiApp(config);
  exitOnSignals(() => app.close());
  await app.listen({ port: config.port, host: config.host });
  // The bound port: PORT=0 picks a free one.
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`Patchgate API listening on ${config.host}:${port}\n`);
  printFirstAdmin(firstAdmin, `http://${config.host}:${port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigurationError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
