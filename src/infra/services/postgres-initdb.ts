import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runCommandOrThrow } from './command-runner';
import type { ClusterLocation } from './postgres-cluster-location';
import { postgresProcessEnv } from './postgres-process-env';

/** Superuser created by initdb; also the owner of the application database. */
export const POSTGRES_SUPERUSER = 'patchgate';

export interface InitClusterOptions {
  initdb: string;
  location: ClusterLocation;
  password: string;
  log: (message: string) => void;
}

/**
 * Creates a new cluster. initdb works in a staging directory that is renamed into place only on
 * success, so an interrupted first start never leaves a half-made cluster that looks real.
 */
export async function initCluster({ initdb, location, password, log }: InitClusterOptions): Promise<void> {
  const { clusterDir, user } = location;
  const parent = path.dirname(clusterDir);
  const staging = `${clusterDir}.initdb-tmp`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { mode: 0o700 });
  // initdb runs as `user`: it reads the password file itself, so the file briefly belongs to that user.
  const pwfile = path.join(parent, `.initdb-pwfile-${randomBytes(8).toString('hex')}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  const started = Date.now();
  try {
    if (user) {
      await fs.chown(staging, user.uid, user.gid);
      await fs.chown(pwfile, user.uid, user.gid);
    }
    log(`PostgreSQL: initialising a new cluster in ${clusterDir}${user ? ` (as user ${user.name})` : ''}`);
    await runCommandOrThrow(
      initdb,
      [
        '-D',
        staging,
        '-U',
        POSTGRES_SUPERUSER,
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      // cwd must be reachable by `user`: initdb resolves its own path via getcwd().
      { uid: user?.uid, gid: user?.gid, cwd: parent, env: postgresProcessEnv(), timeoutMs: 300_000 },
    );
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    await fs.rm(pwfile, { force: true });
  }
  await fs.rename(staging, clusterDir);
  log(`PostgreSQL: cluster initialised in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
