import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { LocalServices, startLocalServices } from './local-services';
import { createPgClient, PgClient } from './pg-driver';
import { fallbackClusterDir } from './postgres-cluster-location';
import { pingRedis } from './redis-ping';

/*
 * Starts real PostgreSQL and Redis processes (installing redis-server with apt when it is
 * missing and we are root), so the timeouts are generous.
 */

const asRoot = process.getuid?.() === 0;

async function withPg<T>(url: string, use: (client: PgClient) => Promise<T>): Promise<T> {
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

function expectGone(pid: number): void {
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

describe('startLocalServices', () => {
  const cleanup: string[] = [];
  let services: LocalServices | undefined;

  afterEach(async () => {
    await services?.stop();
    services = undefined;
  });

  afterAll(async () => {
    for (const dir of cleanup) await fs.rm(dir, { recursive: true, force: true });
  });

  it('starts PostgreSQL and Redis, stops them completely, and keeps data across restarts', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'patchgate-services-'));
    cleanup.push(dataDir);
    const logs: string[] = [];
    const log = (message: string): void => {
      logs.push(message);
    };

    let started = Date.now();
    services = await startLocalServices({ dataDir, log });
    console.log(`first start took ${Date.now() - started} ms:\n${logs.join('\n')}`);

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
    started = Date.now();
    await first.stop();
    console.log(`stop took ${Date.now() - started} ms`);
    expectGone(pgPid);
    expectGone(rPid);
    await first.stop(); // idempotent

    started = Date.now();
    services = await startLocalServices({ dataDir, log });
    console.log(`second start took ${Date.now() - started} ms`);
    await withPg(services.databaseUrl, async (client) => {
      expect((await client.query('select id, note from survivor')).rows).toEqual([{ id: 42, note: 'still here' }]);
    });
    await withRedis(services.redisUrl, async (client) => {
      expect(await client.get('survivor')).toBe('still here');
    });
  }, 300_000);

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
