import { promises as fs } from 'node:fs';
import { runCommand } from './command-runner';

/** The account PostgreSQL runs as when we are root (postgres refuses to run as root). */
export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

/** True when child servers must be started under another account. */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Prefers the distribution's `postgres` account; `nobody` is the last resort that always exists. */
export async function resolveUnprivilegedUser(): Promise<ServiceUser> {
  for (const name of ['postgres', 'nobody']) {
    const user = await lookUpUser(name);
    if (user) return user;
  }
  throw new Error('neither a "postgres" nor a "nobody" user exists to run PostgreSQL as (it refuses to run as root)');
}

/** The account owning an existing cluster: postgres only starts as the owner of its data directory. */
export async function userOwning(dir: string): Promise<ServiceUser> {
  const { uid, gid } = await fs.stat(dir);
  const entry = (await readPasswd()).find((candidate) => candidate.uid === uid);
  return { name: entry?.name ?? `uid ${uid}`, uid, gid };
}

/**
 * Whether `user` can reach into `dir`, i.e. every ancestor and dir itself are searchable for it.
 * Node cannot call access(2) as another user, so a tiny shell runs the test under that uid/gid.
 */
export async function canTraverse(user: ServiceUser, dir: string): Promise<boolean> {
  const result = await runCommand('/bin/sh', ['-c', 'test -x "$1"', 'sh', dir], {
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
    timeoutMs: 10_000,
  });
  return result.code === 0;
}

async function lookUpUser(name: string): Promise<ServiceUser | undefined> {
  const entry = (await readPasswd()).find((candidate) => candidate.name === name);
  if (entry) return entry;
  // Accounts from NSS sources other than /etc/passwd (LDAP, systemd-userdb) are only visible to `id`.
  const uid = await idNumber(name, '-u');
  const gid = await idNumber(name, '-g');
  return uid === undefined || gid === undefined ? undefined : { name, uid, gid };
}

async function readPasswd(): Promise<ServiceUser[]> {
  let text: string;
  try {
    text = await fs.readFile('/etc/passwd', 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    const [name, , uid, gid] = line.split(':');
    const parsed = { name, uid: Number(uid), gid: Number(gid) };
    return name && Number.isInteger(parsed.uid) && Number.isInteger(parsed.gid) && uid && gid ? [parsed] : [];
  });
}

async function idNumber(name: string, flag: '-u' | '-g'): Promise<number | undefined> {
  try {
    const result = await runCommand('id', [flag, name], { timeoutMs: 10_000 });
    const value = Number(result.output.trim());
    return result.code === 0 && Number.isInteger(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
