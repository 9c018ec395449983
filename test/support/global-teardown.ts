import { rmSync } from 'node:fs';
import { LocalServices } from '../../src/infra/services/local-services';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as { __patchgateServices?: LocalServices }).__patchgateServices;
  await services?.stop();
  const dataDir = process.env.PATCHGATE_TEST_DATA_DIR;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
