import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServices } from '../../src/infra/services/local-services';

/**
 * Starts one throwaway PostgreSQL + Redis for the whole e2e run, through the same launcher
 * local mode uses. Test files each make their own database and Redis key prefix.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'patchgate-e2e-'));
  const services = await startLocalServices({ dataDir, log: (m) => process.stderr.write(`[e2e services] ${m}\n`) });
  process.env.PATCHGATE_TEST_ADMIN_DATABASE_URL = services.adminDatabaseUrl;
  process.env.PATCHGATE_TEST_REDIS_URL = services.redisUrl;
  process.env.PATCHGATE_TEST_DATA_DIR = dataDir;
  (globalThis as { __patchgateServices?: typeof services }).__patchgateServices = services;
}
