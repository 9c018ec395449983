import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findFreePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { waitUntilReady } from './readiness-wait';
import { pingRedis } from './redis-ping';
import { readOrCreateSecret } from './secret-file';
import { clearStaleServer } from './stale-server-guard';

export interface RedisServer {
  port: number;
  password: string;
  process: ManagedProcess;
}

export interface StartRedisOptions {
  /** Real, absolute data directory. */
  dataDir: string;
  binary: string;
  log: (message: string) => void;
  /** Restart on this port (clients keep their URL); by default a free port is picked. */
  port?: number;
}

const READY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;
const PORT_TAKEN = /address already in use|could not create server tcp listening socket/i;

export async function startRedis({ dataDir, binary, log, port: fixedPort }: StartRedisOptions): Promise<RedisServer> {
  const redisDir = path.join(dataDir, 'redis');
  await fs.mkdir(redisDir, { recursive: true, mode: 0o700 });
  const password = await readOrCreateSecret(path.join(dataDir, 'redis-password'));
  // The password goes into a 0600 include file rather than argv, where any local user could read it via ps.
  const authConfig = path.join(redisDir, 'auth.conf');
  await fs.writeFile(authConfig, `requirepass ${password}\n`, { mode: 0o600 });
  await fs.chmod(authConfig, 0o600);
  const pidFile = path.join(redisDir, 'redis.pid');
  await clearStaleServer({ name: 'Redis', pidFile, workDir: redisDir, stopSignal: 'SIGTERM', log });

  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await findFreePort());
    const server = new ManagedProcess('Redis', binary, serverArgs(authConfig, redisDir, pidFile, port), {
      cwd: redisDir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
    });
    try {
      await waitUntilReady({ server, timeoutMs: READY_TIMEOUT_MS, probe: () => pingRedis(port, password) });
      log(`Redis: ready on 127.0.0.1:${port} (pid ${server.pid}, data ${redisDir})`);
      return { port, password, process: server };
    } catch (error) {
      await server.stop('SIGKILL', 5_000);
      if (!PORT_TAKEN.test(server.output()) || attempt >= START_ATTEMPTS || fixedPort) throw error;
      log(`Redis: port ${port} was taken before Redis could bind it; retrying`);
    }
  }
}

function serverArgs(authConfig: string, redisDir: string, pidFile: string, port: number): string[] {
  return [
    authConfig,
    ...['--port', String(port)],
    ...['--bind', '127.0.0.1'],
    ...['--dir', redisDir],
    // Queue jobs live here: an append-only file synced every second survives restarts and crashes.
    ...['--appendonly', 'yes'],
    ...['--appendfsync', 'everysec'],
    // Evicting keys would silently drop queued jobs; fail writes instead.
    ...['--maxmemory-policy', 'noeviction'],
    ...['--save', ''],
    ...['--daemonize', 'no'],
    ...['--protected-mode', 'yes'],
    // Empty log file means stdout, which we capture.
    ...['--logfile', ''],
    // Lets the next start recognise a Redis orphaned by a parent that was killed.
    ...['--pidfile', pidFile],
  ];
}
