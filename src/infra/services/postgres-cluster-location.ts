import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isErrnoException } from './errno-exception';
import {
  canTraverse,
  resolveUnprivilegedUser,
  runningAsRoot,
  ServiceUser,
  userOwning,
} from './unprivileged-user';

export interface ClusterLocation {
  clusterDir: string;
  /** The account postgres must run as; undefined when we are not root and simply run it as ourselves. */
  user: ServiceUser | undefined;
}

/**
 * Where the cluster lives when the unprivileged user cannot reach <dataDir> (e.g. it is under
 * /root). Derived from the data directory path alone, so later starts find it again without
 * any record. Note: tmp cleaners may prune /var/tmp after a long idle period.
 */
export function fallbackClusterDir(dataDir: string): string {
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return path.join('/var/tmp', `patchgate-${digest}`, 'postgres');
}

export async function isCluster(dir: string): Promise<boolean> {
  return fs.access(path.join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/**
 * Picks the cluster directory for a (real, absolute) data directory: an existing cluster wins,
 * in place first; a new one goes to <dataDir>/postgres when the postgres user can reach it,
 * otherwise to the /var/tmp fallback.
 */
export async function resolveClusterLocation(dataDir: string, log: (message: string) => void): Promise<ClusterLocation> {
  const inPlace = path.join(dataDir, 'postgres');
  if (!runningAsRoot()) return { clusterDir: inPlace, user: undefined };

  const fallback = fallbackClusterDir(dataDir);
  if (await isCluster(inPlace)) {
    const user = await userOwning(inPlace);
    if (!(await ensureTraversable(dataDir, user, log))) {
      throw new Error(
        `PostgreSQL runs as ${user.name}, which can no longer reach ${inPlace}; ` +
          'make the parent directories searchable for it (chmod o+x) or move the data directory.',
      );
    }
    return { clusterDir: inPlace, user };
  }
  if (await isCluster(fallback)) {
    log(`PostgreSQL: using the cluster for ${dataDir} kept in ${fallback}`);
    return { clusterDir: fallback, user: await userOwning(fallback) };
  }

  const user = await resolveUnprivilegedUser();
  if (await ensureTraversable(dataDir, user, log)) return { clusterDir: inPlace, user };
  log(
    `PostgreSQL: user ${user.name} cannot reach ${dataDir} (a parent directory is not searchable for it); ` +
      `keeping the cluster in ${fallback} instead`,
  );
  await prepareFallbackParent(path.dirname(fallback), user);
  return { clusterDir: fallback, user };
}

/**
 * Lets `user` search dataDir. dataDir is ours, so adding o+x to it is fine (its secret files stay
 * 0600); ancestors are not ours to change, so if one of them blocks, the change is undone.
 */
async function ensureTraversable(dataDir: string, user: ServiceUser, log: (message: string) => void): Promise<boolean> {
  if (await canTraverse(user, dataDir)) return true;
  const { mode } = await fs.stat(dataDir);
  if ((mode & 0o001) !== 0) return false;
  await fs.chmod(dataDir, (mode & 0o7777) | 0o001);
  if (await canTraverse(user, dataDir)) {
    log(`PostgreSQL: made ${dataDir} searchable (o+x) so user ${user.name} can reach its cluster`);
    return true;
  }
  await fs.chmod(dataDir, mode & 0o7777);
  return false;
}

/** /var/tmp is world-writable: refuse a directory someone else prepared for us. */
async function prepareFallbackParent(dir: string, user: ServiceUser): Promise<void> {
  try {
    await fs.mkdir(dir, { mode: 0o700 });
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'EEXIST') throw error;
  }
  const stat = await fs.lstat(dir);
  if (!stat.isDirectory() || (stat.uid !== 0 && stat.uid !== user.uid)) {
    throw new Error(`${dir} exists but is not a directory owned by root or ${user.name}; remove it and retry`);
  }
  await fs.chown(dir, user.uid, user.gid);
  await fs.chmod(dir, 0o700);
  if (!(await canTraverse(user, dir))) {
    throw new Error(`user ${user.name} cannot reach ${dir} either; set DATABASE_URL to use an existing PostgreSQL`);
  }
}
