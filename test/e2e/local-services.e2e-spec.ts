import { spawn } from 'node:child_process';
import { promises as fs, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { findFreePort } from '../../src/infra/services/free-port';
import { LocalServices, startLocalServices } from '../../src/infra/services/local-services';
import { Client } from 'pg';
import { createPgClient } from '../../src/infra/services/pg-driver';
import { findPostgresBinaries } from '../../src/infra/services/postgres-binaries';
import { fallbackClusterDir } from '../../src/infra/services/postgres-cluster-location';
import { pingRedis } from '../../src/infra/services/redis-ping';

/*
 * Starts real PostgreSQL and Redis processes (installing redis-server with apt when it is
 * missing and we are root), so the timeouts are generous.
 */

const asRoot = process.getuid?.() === 0;

async function withPg<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = createPgClient({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function withRedis<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.quit();
  }
}

/** Parsed /proc/<pid>/status fields. */
async function procStatus(pid: number): Promise<{ uid: number; ppid: number }> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { uid: field('Uid'), ppid: field('PPid') };
}

/** The postmaster is the parent of the backend serving our connection. */
async function postmasterPid(databaseUrl: string): Promise<number> {
  return withPg(databaseUrl, async (client) => {
    const backend = Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid);
    return (await procStatus(backend)).ppid; // while the connection (and so the backend) is open
  });
}

async function redisPid(redisUrl: string): Promise<number> {
  const info = await withRedis(redisUrl, (client) => client.info('server'));
  return Number(/process_id:(\d+)/.exec(info)?.[1]);
}

/** Alive and not a zombie (orphans are reaped by PID 1, which may take a moment). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function expectGone(pid: number): void {
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

describe('startLocalServices', () => {
  const cleanup: string[] = [];
  /** Processes a test made on purpose; killed at the end should the test fail before the launcher reaps them. */
  const strays: number[] = [];
  let services: LocalServices | undefined;

  afterEach(async () => {
    await services?.stop();
    services = undefined;
  });

  afterAll(async () => {
    for (const pid of strays.filter(isAlive)) process.kill(pid, 'SIGKILL');
    for (const dir of cleanup) await fs.rm(dir, { recursive: true, force: true });
  });

  it('starts PostgreSQL and Redis, stops them completely, and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'patchgate-services-'));
    cleanup.push(dataDir);
    const logs: string[] = [];
    const log = (message: string): void => {
      logs.push(message);
    };

    services = await startLocalServices({ dataDir, log });

    expect(services.databaseUrl).toMatch(/^postgres:\/\/patchgate:[^@]+@127\.0\.0\.1:\d+\/patchgate$/);
    expect(services.adminDatabaseUrl).toMatch(/^postgres:\/\/patchgate:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    expect(services.redisUrl).toMatch(/^redis:\/\/:[^@]+@127\.0\.0\.1:\d+$/);

    await withPg(services.databaseUrl, async (client) => {
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect((await client.query('select current_database() as db')).rows[0].db).toBe('patchgate');
      await client.query('create table survivor (id int primary key, note text)');
      await client.query("insert into survivor values (42, 'still here')");
    });
    await withPg(services.adminDatabaseUrl, async (client) => {
      const databases = await client.query("select datname from pg_database where datname = 'patchgate'");
      expect(databases.rowCount).toBe(1);
    });

    const pgPid = await postmasterPid(services.databaseUrl);
    const pgStatus = await procStatus(pgPid);
    expect(pgStatus.ppid).toBe(process.pid); // a direct child, so our signals reach the real server
    if (asRoot) expect(pgStatus.uid).not.toBe(0);
    await expect(fs.access(path.join(dataDir, 'postgres', 'PG_VERSION'))).resolves.toBeUndefined();

    const rPid = await redisPid(services.redisUrl);
    expect((await procStatus(rPid)).ppid).toBe(process.pid);
    await withRedis(services.redisUrl, async (client) => {
      expect(await client.ping()).toBe('PONG');
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
      await client.set('survivor', 'still here');
    });
    await expect(pingRedis(Number(new URL(services.redisUrl).port), 'wrong-password')).rejects.toThrow(/WRONGPASS/);

    for (const secret of ['postgres-password', 'redis-password']) {
      expect((await fs.stat(path.join(dataDir, secret))).mode & 0o777).toBe(0o600);
    }

    const first = services;
    await first.stop();
    expectGone(pgPid);
    expectGone(rPid);
    await first.stop(); // idempotent

    services = await startLocalServices({ dataDir, log });
    await withPg(services.databaseUrl, async (client) => {
      expect((await client.query('select id, note from survivor')).rows).toEqual([{ id: 42, note: 'still here' }]);
    });
    await withRedis(services.redisUrl, async (client) => {
      expect(await client.get('survivor')).toBe('still here');
    });
  }, 300_000);

  it('recovers from a crashed earlier run: stale pid files and orphaned servers', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'patchgate-crashed-'));
    cleanup.push(dataDir);
    const logs: string[] = [];
    const log = (message: string): void => {
      logs.push(message);
    };
    services = await startLocalServices({ dataDir, log });
    await services.stop();
    const clusterDir = path.join(dataDir, 'postgres');
    const redisDir = path.join(dataDir, 'redis');

    // A pid file naming a live process that is not a server on our directory (a reused PID).
    await fs.writeFile(path.join(clusterDir, 'postmaster.pid'), `${process.pid}\n${clusterDir}\n`);
    services = await startLocalServices({ dataDir, log });
    expect(logs.join('\n')).toContain('PostgreSQL: removing stale pid file');
    await services.stop();

    // Servers whose parent died: started through a shell that exits at once, so they are reparented.
    const owner = await fs.stat(clusterDir);
    const orphan = (command: string, uid?: number, gid?: number): Promise<unknown> =>
      new Promise((resolve, reject) =>
        spawn('/bin/sh', ['-c', `${command} >/dev/null 2>&1 &`], { stdio: 'ignore', uid, gid, cwd: '/' })
          .on('exit', resolve)
          .on('error', reject),
      );
    const postgresBin = await fs.realpath((await findPostgresBinaries()).postgres);
    await orphan(`'${postgresBin}' -D '${clusterDir}' -p ${await findFreePort()} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`, owner.uid, owner.gid);
    await orphan(`redis-server --port ${await findFreePort()} --bind 127.0.0.1 --dir '${redisDir}' --pidfile '${redisDir}/redis.pid' --appendonly yes`);
    const orphanPids = await waitFor(async () => {
      const pg = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '');
      const redis = await fs.readFile(path.join(redisDir, 'redis.pid'), 'utf8').catch(() => '');
      return pg.includes('ready') && redis ? [Number(pg.split('\n')[0]), Number(redis.trim())] : undefined;
    });
    strays.push(...orphanPids);
    for (const pid of orphanPids) expect((await procStatus(pid)).ppid).toBe(1);

    logs.length = 0;
    services = await startLocalServices({ dataDir, log });
    expect(logs.join('\n')).toMatch(/PostgreSQL: stopping orphaned server/);
    expect(logs.join('\n')).toMatch(/Redis: stopping orphaned server/);
    await waitFor(async () => orphanPids.every((pid) => !isAlive(pid)) || undefined);
    await withPg(services.databaseUrl, async (client) => {
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    });
  }, 120_000);

  (asRoot ? it : it.skip)(
    'keeps the cluster outside a data directory the postgres user cannot reach, and finds it again',
    async () => {
      const lockedParent = mkdtempSync(path.join(os.tmpdir(), 'patchgate-locked-'));
      cleanup.push(lockedParent);
      await fs.chmod(lockedParent, 0o700);
      const dataDir = path.join(lockedParent, 'data');
      const fallback = fallbackClusterDir(dataDir);
      cleanup.push(path.dirname(fallback));
      const logs: string[] = [];
      const log = (message: string): void => {
        logs.push(message);
      };

      services = await startLocalServices({ dataDir, log });
      expect(logs.join('\n')).toContain(`keeping the cluster in ${fallback}`);
      await expect(fs.access(path.join(fallback, 'PG_VERSION'))).resolves.toBeUndefined();
      await expect(fs.access(path.join(dataDir, 'postgres'))).rejects.toThrow();
      expect((await fs.stat(lockedParent)).mode & 0o777).toBe(0o700); // an ancestor is not ours to loosen
      await withPg(services.databaseUrl, async (client) => {
        await client.query('create table marker (id int)');
      });
      await services.stop();

      logs.length = 0;
      services = await startLocalServices({ dataDir, log });
      expect(logs.join('\n')).toContain(`using the cluster for ${dataDir} kept in ${fallback}`);
      await withPg(services.databaseUrl, async (client) => {
        expect((await client.query('select count(*)::int as n from marker')).rows).toEqual([{ n: 0 }]);
      });
    },
    180_000,
  );
});
