import { ChildProcess, spawn } from 'node:child_process';
import { OutputTail } from './output-tail';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  error?: Error;
}

export interface ManagedProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

/**
 * A long-running server started as a direct child (so our signals reach the real server PID) in its
 * own process group,
 * with its output kept in a bounded tail and its exit observable as a promise.
 */
export class ManagedProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;
  private readonly tail = new OutputTail();
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: ManagedProcessOptions = {},
  ) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      uid: options.uid,
      gid: options.gid,
      // Detached (its own session and process group): a Ctrl-C in the terminal signals the whole
      // foreground process group, and the servers must outlive it until the app has drained, or the
      // app's Redis and PostgreSQL clients fail mid-shutdown. Our stop() (and the exit hooks of
      // process-exit-hook.ts) stop them instead.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    this.tail.attach(this.child.stdout);
    this.tail.attach(this.child.stderr);
    this.exited = new Promise<ProcessExit>((resolve) => {
      // Recorded synchronously so hasExited is exact inside a synchronous process 'exit' hook.
      const settle = (exit: ProcessExit): void => {
        if (this.exit) return;
        this.exit = exit;
        resolve(exit);
      };
      this.child.once('exit', (code, signal) => settle({ code, signal }));
      // 'error' without a pid means the spawn itself failed and no 'exit' will follow;
      // later errors (a failed kill) need a listener too, or they would crash the process.
      this.child.on('error', (error) => {
        if (this.child.pid === undefined) settle({ code: null, signal: null, error });
      });
    });
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Sends a signal if the process is still running; safe to call from a synchronous 'exit' hook. */
  signal(signal: NodeJS.Signals): void {
    if (this.exit === undefined && this.pid !== undefined) this.child.kill(signal);
  }

  /** Last lines of stdout/stderr, for error messages. */
  output(): string {
    return this.tail.text();
  }

  describeExit(exit: ProcessExit): string {
    if (exit.error) return `${this.name} could not be started: ${exit.error.message}`;
    const status = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    const output = this.output();
    return `${this.name} exited (${status})${output ? `; last output:\n${output}` : ''}`;
  }

  /** Asks the process to stop with `signal`; after timeoutMs it is SIGKILLed. Resolves once it has exited. */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<ProcessExit> {
    this.signal(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const first = await Promise.race([this.exited, timedOut]);
      if (first !== 'timeout') return first;
    } finally {
      clearTimeout(timer);
    }
    this.signal('SIGKILL');
    return this.exited;
  }
}
