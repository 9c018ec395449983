import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ManagedProcess } from './managed-process';
import { findPostgresBinaries } from './postgres-binaries';
import { APP_DATABASE, PostgresServer, startPostgres } from './postgres-server';
import { signalOnProcessExit } from './process-exit-hook';
import { findOrInstallRedisServer } from './redis-installer';
import { RedisServer, startRedis } from './redis-server';

/**
 * Local mode: the app starts its own PostgreSQL and Redis as child processes, with all state under
 * one data directory, so `npm start` and the e2e tests need no separately managed services.
 */
export interface LocalServices {
  /** postgres://USER:PASSWORD@127.0.0.1:PORT/patchgate */
  databaseUrl: string;
  /** Same credentials, database 'postgres' (for CREATE DATABASE). */
  adminDatabaseUrl: string;
  /** redis://:PASSWORD@127.0.0.1:PORT */
  redisUrl: string;
  /** Stops Redis and PostgreSQL and resolves once both processes have exited; idempotent. */
  stop(): Promise<void>;
  /** Stops one server gracefully, keeping its data (fault tests: the app must ride this out). */
  stopService(name: 'postgres' | 'redis'): Promise<void>;
  /** Starts a server stopped by stopService again, on the same port and data. */
  restartService(name: 'postgres' | 'redis'): Promise<void>;
}

export interface LocalServicesOptions {
  dataDir: string;
  log?: (message: string) => void;
}

/** Graceful stop first; a server that is still running after this long is SIGKILLed. */
const STOP_TIMEOUT_MS = 20_000;
/**
 * stop(): Redis writes its AOF and exits on SIGTERM; SIGINT is PostgreSQL's fast shutdown.
 * Node dying of an unhandled signal: the same graceful signals, the servers finish on their own.
 * Node exiting without stop(): only an instant, synchronous signal is possible, so SIGKILL for
 * Redis (at most the last second of AOF is lost) and SIGQUIT for PostgreSQL, its immediate
 * shutdown, which unlike SIGKILL also takes the postmaster's backends down with it.
 */
const STOP_SIGNALS = {
  redis: { graceful: 'SIGTERM', onExit: 'SIGKILL' },
  postgres: { graceful: 'SIGINT', onExit: 'SIGQUIT' },
} as const;

export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const log = options.log ?? (() => undefined);
  // Missing parents get the default mode: a 0700 parent we created would lock the postgres user out.
  await fs.mkdir(path.dirname(path.resolve(options.dataDir)), { recursive: true });
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  // The real path: the cluster fallback location is derived from it and must be stable.
  const dataDir = await fs.realpath(path.resolve(options.dataDir));
  // Both lookups first, so a missing binary fails before anything is started.
  const binaries = await findPostgresBinaries();
  const redisBinary = await findOrInstallRedisServer(log);
  const starters: Starters = {
    postgres: (port) => startPostgres({ dataDir, binaries, log, port }),
    redis: (port) => startRedis({ dataDir, binary: redisBinary, log, port }),
  };

  const [postgresResult, redisResult] = await Promise.allSettled([starters.postgres(), starters.redis()]);
  if (postgresResult.status === 'rejected' || redisResult.status === 'rejected') {
    // Never leave one server running when the other could not start.
    await Promise.all([
      postgresResult.status === 'fulfilled' &&
        postgresResult.value.process.stop(STOP_SIGNALS.postgres.graceful, STOP_TIMEOUT_MS),
      redisResult.status === 'fulfilled' && redisResult.value.process.stop(STOP_SIGNALS.redis.graceful, STOP_TIMEOUT_MS),
    ]);
    throw postgresResult.status === 'rejected' ? postgresResult.reason : (redisResult as PromiseRejectedResult).reason;
  }
  return running(postgresResult.value, redisResult.value, starters, log);
}

type ServiceName = keyof typeof STOP_SIGNALS;
type Starters = { postgres: (port?: number) => Promise<PostgresServer>; redis: (port?: number) => Promise<RedisServer> };

/** One server as running() keeps it: restartable on its port, watched while it runs. */
class Supervised<T extends { port: number; process: ManagedProcess }> {
  private unregister: () => void = () => undefined;
  private stopRequested = false;

  constructor(
    private readonly name: ServiceName,
    public server: T,
    private readonly start: (port: number) => Promise<T>,
    private readonly log: (message: string) => void,
  ) {
    this.watch();
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.server.process.stop(STOP_SIGNALS[this.name].graceful, STOP_TIMEOUT_MS);
    this.unregister();
  }

  async restart(): Promise<void> {
    if (!this.server.process.hasExited) return;
    this.server = await this.start(this.server.port);
    this.stopRequested = false;
    this.watch();
  }

  private watch(): void {
    const { process: server } = this.server;
    this.unregister = signalOnProcessExit(server, { onExit: STOP_SIGNALS[this.name].onExit, onFatalSignal: STOP_SIGNALS[this.name].graceful });
    // A server dying on its own (OOM killer, disk full) should at least leave a trace in the log.
    void server.exited.then((exit) => {
      if (!this.stopRequested) this.log(`${server.describeExit(exit)} (without stop() being called)`);
    });
  }
}

function running(postgres: PostgresServer, redis: RedisServer, starters: Starters, log: (message: string) => void): LocalServices {
  const servers = {
    postgres: new Supervised('postgres', postgres, starters.postgres, log),
    redis: new Supervised('redis', redis, starters.redis, log),
  };
  let stopping: Promise<void> | undefined;
  const credentials = `${encodeURIComponent(postgres.user)}:${encodeURIComponent(postgres.password)}`;
  const postgresBase = `postgres://${credentials}@127.0.0.1:${postgres.port}`;
  return {
    databaseUrl: `${postgresBase}/${APP_DATABASE}`,
    adminDatabaseUrl: `${postgresBase}/postgres`,
    redisUrl: `redis://:${encodeURIComponent(redis.password)}@127.0.0.1:${redis.port}`,
    stopService: (name) => servers[name].stop(),
    restartService: (name) => servers[name].restart(),
    stop: () => {
      stopping ??= (async () => {
        log('stopping local PostgreSQL and Redis');
        await Promise.all([servers.redis.stop(), servers.postgres.stop()]);
        log('local PostgreSQL and Redis stopped');
      })();
      return stopping;
    },
  };
}
