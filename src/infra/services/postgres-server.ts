import path from 'node:path';
import { findFreePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { createPgClient, pgErrorCode } from './pg-driver';
import type { PostgresBinaries } from './postgres-binaries';
import { isCluster, resolveClusterLocation } from './postgres-cluster-location';
import { initCluster, POSTGRES_SUPERUSER } from './postgres-initdb';
import { postgresProcessEnv } from './postgres-process-env';
import { waitUntilReady } from './readiness-wait';
import { readOrCreateSecret } from './secret-file';
import { clearStaleServer } from './stale-server-guard';

export const APP_DATABASE = 'patchgate';

export interface PostgresServer {
  port: number;
  user: string;
  password: string;
  process: ManagedProcess;
}

export interface StartPostgresOptions {
  /** Real, absolute data directory. */
  dataDir: string;
  binaries: PostgresBinaries;
  log: (message: string) => void;
  /** Restart on this port (clients keep their URL); by default a free port is picked. */
  port?: number;
}

const READY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;
/** Worth another attempt: the port was taken after we picked it, or backends of a killed server still hold its shared memory. */
const RETRYABLE_START_FAILURE = /address already in use|could not bind|is still in use/i;

export async function startPostgres({ dataDir, binaries, log, port: fixedPort }: StartPostgresOptions): Promise<PostgresServer> {
  const password = await readOrCreateSecret(path.join(dataDir, 'postgres-password'));
  const location = await resolveClusterLocation(dataDir, log);
  const { clusterDir, user } = location;
  if (!(await isCluster(clusterDir))) await initCluster({ initdb: binaries.initdb, location, password, log });
  await clearStaleServer({
    name: 'PostgreSQL',
    pidFile: path.join(clusterDir, 'postmaster.pid'),
    workDir: clusterDir,
    stopSignal: 'SIGINT',
    log,
  });

  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    const server = new ManagedProcess('PostgreSQL', binaries.postgres, serverArgs(clusterDir, port), {
      uid: user?.uid,
      gid: user?.gid,
      cwd: path.dirname(clusterDir),
      env: postgresProcessEnv(),
    });
    try {
      await waitUntilReady({
        server,
        timeoutMs: READY_TIMEOUT_MS,
        probe: () => probe(port, password),
        isFatal: (error) => pgErrorCode(error) === '28P01',
      });
      await ensureDatabase(port, password, APP_DATABASE);
      log(`PostgreSQL: ready on 127.0.0.1:${port} (pid ${server.pid}, cluster ${clusterDir})`);
      return { port, user: POSTGRES_SUPERUSER, password, process: server };
    } catch (error) {
      await server.stop('SIGINT', 10_000);
      const retryable = RETRYABLE_START_FAILURE.test(server.output()) && attempt < START_ATTEMPTS;
      if (!retryable) throw explain(error, dataDir, clusterDir);
      log(`PostgreSQL: start attempt ${attempt} failed (${retryReason(server.output())}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function serverArgs(clusterDir: string, port: number): string[] {
  const settings = [
    'listen_addresses=127.0.0.1',
    // TCP only: no socket files, and no 108-byte socket path limit for deep data directories.
    'unix_socket_directories=',
    'max_connections=200',
    'shared_buffers=128MB',
    // The system of record: never trade durability for speed here.
    'fsync=on',
  ];
  return ['-D', clusterDir, '-p', String(port), ...settings.flatMap((setting) => ['-c', setting])];
}

type Query = (sql: string, values?: unknown[]) => Promise<unknown[]>;

async function withClient<T>(port: number, password: string, database: string, use: (query: Query) => Promise<T>): Promise<T> {
  const client = createPgClient({
    host: '127.0.0.1',
    port,
    user: POSTGRES_SUPERUSER,
    password,
    database,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    return await use(async (sql, values) => (await client.query(sql, values)).rows);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probe(port: number, password: string): Promise<void> {
  await withClient(port, password, 'postgres', (query) => query('select 1'));
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  await withClient(port, password, 'postgres', async (query) => {
    const existing = await query('select 1 from pg_database where datname = $1', [database]);
    if (existing.length > 0) return;
    try {
      await query(`create database "${database}"`);
    } catch (error) {
      if (pgErrorCode(error) !== '42P04') throw error; // created concurrently: fine
    }
  });
}

function explain(error: unknown, dataDir: string, clusterDir: string): Error {
  if (pgErrorCode(error) === '28P01') {
    return new Error(
      `PostgreSQL rejected the password in ${path.join(dataDir, 'postgres-password')} for the cluster in ${clusterDir}; ` +
        'restore the original password file or delete both to start from scratch',
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function retryReason(text: string): string {
  return text.split('\n').find((line) => RETRYABLE_START_FAILURE.test(line)) ?? 'no output';
}
