import { promises as fs } from 'node:fs';
import { isErrnoException } from './errno-exception';

export interface StaleServerCheck {
  /** For messages, e.g. "PostgreSQL". */
  name: string;
  /** The server's pid file; its first line is the server's PID. */
  pidFile: string;
  /** The directory the server chdirs into (data dir); identifies "our" server among reused PIDs. */
  workDir: string;
  /** Graceful stop signal for an orphan left behind by a parent that died. */
  stopSignal: NodeJS.Signals;
  log: (message: string) => void;
}

/**
 * Clears what a crashed earlier run left behind, so a start never wedges on it:
 * - a pid file whose PID is dead or now belongs to an unrelated process is removed
 *   (PostgreSQL refuses to start when a reused PID looks alive);
 * - a server still running on our directory whose parent is gone (reparented to PID 1) is an
 *   orphan of a killed parent and is stopped;
 * - a server still owned by a live parent is another instance using the same data directory:
 *   that is an error, not something to kill.
 */
export async function clearStaleServer(check: StaleServerCheck): Promise<void> {
  const pid = await readPid(check.pidFile);
  if (pid === undefined) return;
  const serverDir = await processCwd(pid);
  const workDir = await fs.realpath(check.workDir).catch(() => check.workDir);
  if (serverDir === 'unknown') return; // no /proc to tell: leave it to the server's own checks
  if (serverDir !== workDir) {
    check.log(`${check.name}: removing stale pid file ${check.pidFile} (pid ${pid} is not running on ${workDir})`);
    await fs.rm(check.pidFile, { force: true });
    return;
  }
  const parent = await parentPid(pid);
  if (parent !== undefined && parent !== 1 && isAlive(parent)) {
    throw new Error(
      `${check.name} is already running on ${workDir} (pid ${pid}, started by pid ${parent}); ` +
        'another Patchgate instance uses this data directory. Stop it or choose another data directory.',
    );
  }
  check.log(`${check.name}: stopping orphaned server (pid ${pid}) left running on ${workDir} by an earlier run`);
  await terminate(pid, check.stopSignal);
}

async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0].trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The process's working directory; undefined when no such process (or not ours to inspect). */
async function processCwd(pid: number): Promise<string | undefined | 'unknown'> {
  try {
    return await fs.readlink(`/proc/${pid}/cwd`);
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ESRCH' || error.code === 'EACCES')) {
      // A process we may not inspect cannot be a server on our own directory.
      return (await procMounted()) ? undefined : 'unknown';
    }
    throw error;
  }
}

async function procMounted(): Promise<boolean> {
  return fs.access('/proc/self/stat').then(
    () => true,
    () => false,
  );
}

async function parentPid(pid: number): Promise<number | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): state ppid ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrnoException(error) && error.code === 'EPERM';
  }
}

/** Not our child, so there is no 'exit' event: poll until the PID is gone, escalating to SIGKILL. */
async function terminate(pid: number, signal: NodeJS.Signals): Promise<void> {
  const send = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  send(signal);
  for (const [deadline, escalate] of [
    [20_000, true],
    [5_000, false],
  ] as const) {
    const until = Date.now() + deadline;
    while (Date.now() < until) {
      if (!isAlive(pid)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (escalate) send('SIGKILL');
  }
  throw new Error(`could not stop orphaned server process ${pid}`);
}
