import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const DIST = resolve(__dirname, '..', '..');

export interface Started {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
  /** Peak resident memory of the process so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** CPU time (user + system) the process has used so far, in ms. */
  cpuMs(): number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The production entry points and the package.json script that starts each (what docker-compose.yml and the Dockerfile run too). */
const PRODUCTION_SCRIPTS: Record<string, string> = { 'src/main.js': 'start:api', 'src/worker.js': 'start:worker' };

/**
 * The node flags production gives an entry point (`src/main.js`, `src/worker.js`): those of its
 * package.json script (`start:api` gives the API its heap flags), so a
 * bench measures the processes as they run in production. None for other scripts.
 */
export function productionNodeArgs(script: string): string[] {
  const name = PRODUCTION_SCRIPTS[script];
  if (!name) return [];
  const scripts = (JSON.parse(readFileSync(resolve(DIST, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts[name].split(/\s+/);
  const entry = words.indexOf(`dist/${script}`);
  if (words[0] !== 'node' || entry < 0) throw new Error(`package.json ${name} is not "node [flags] dist/${script}": ${scripts[name]}`);
  return words.slice(1, entry);
}

/**
 * Starts a node script and waits until it prints `listening <port>` or the given readiness line.
 * Node's flags: the production ones of the entry point (productionNodeArgs), then `args`, then
 * BENCH_NODE_ARGS (a later flag wins).
 */
export function startNode(script: string, env: NodeJS.ProcessEnv, ready: RegExp = /listening (\d+)/, args: string[] = []): Promise<Started> {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the processes under load.
  const nodeArgs = [...productionNodeArgs(script), ...args, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, resolve(DIST, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (!match) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      done({
        child,
        port: Number(match[1] ?? env.PORT),
        stop: () =>
          new Promise<void>((stopped) => {
            if (child.exitCode !== null) return stopped();
            child.once('exit', () => stopped());
            child.kill('SIGTERM');
          }),
        peakRssMb: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
        },
        cpuMs: () => {
          // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
          const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
          return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code} before it was ready:\n${output.slice(-3000)}`)));
  });
}

/**
 * CPU time (ms) of the PostgreSQL cluster whose data lives under `dataDirFragment`: its postmaster
 * (with the children it has reaped) and every live backend. Backends that exited before the
 * postmaster reaped them are missed; the bench's pooled connections live as long as the run.
 */
export function postgresCpuMs(dataDirFragment: string): number {
  const stat = (pid: string) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  const postmaster = pids.find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDirFragment) && readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
    } catch {
      return false;
    }
  });
  if (!postmaster) return 0;
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = stat(pid);
      // fields: state is [0], ppid [1]; utime [11], stime [12], cutime [13], cstime [14]
      if (pid === postmaster) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      else if (fields[1] === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
