import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * Compiles src and migrations (swc, as `npm run build:server`) into a private directory under the project
 * (so node_modules resolve), not dist/: another test file may be building dist/ at the same time.
 */
export function buildPrivateCopy(): { dir: string; remove: () => void } {
  const dir = join(ROOT, '.test-build', randomBytes(4).toString('hex'));
  execFileSync(join(ROOT, 'node_modules/.bin/swc'), ['src', 'migrations', '-d', dir, '-q', '--ignore', '**/*.spec.ts,src/console/**'], { cwd: ROOT, stdio: 'pipe' });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A Patchgate entry point (API or worker) running as a real child process, its output captured. */
export class NodeProcess {
  private text = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  }

  /** Starts `node <dir>/<entry>` and waits until its output matches `ready`. */
  static async start(dir: string, entry: string, env: Record<string, string>, ready: RegExp): Promise<NodeProcess> {
    const child = spawn(process.execPath, [join(dir, entry)], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = new NodeProcess(child);
    await started.waitFor(ready, 60_000);
    return started;
  }

  output(): string {
    return this.text;
  }

  /** Resolves with the match once the output matches `pattern`; fails if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => finish(new Error(`no ${pattern} in the output within ${timeoutMs} ms:\n${this.text}`)), timeoutMs);
      const check = () => {
        const match = pattern.exec(this.text);
        if (match) finish(null, match);
      };
      const onExit = () => finish(new Error(`the process exited before printing ${pattern}:\n${this.text}`));
      const finish = (error: Error | null, match?: RegExpExecArray) => {
        clearTimeout(timer);
        this.child.stdout!.off('data', check);
        this.child.stderr!.off('data', check);
        this.child.off('exit', onExit);
        if (error) fail(error);
        else done(match!);
      };
      this.child.stdout!.on('data', check);
      this.child.stderr!.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Ends the process if it still runs (test clean-up). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
