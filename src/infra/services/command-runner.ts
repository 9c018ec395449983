import { spawn } from 'node:child_process';
import { OutputTail } from './output-tail';

export interface RunCommandOptions {
  uid?: number;
  gid?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface RunCommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a short-lived command to completion and returns its exit status with the tail of its output. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<RunCommandResult> {
  const tail = new OutputTail();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tail.attach(child.stdout);
  tail.attach(child.stderr);
  const timer =
    options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  try {
    // 'close' (not 'exit') so the output pipes are drained before we read the tail.
    return await new Promise<RunCommandResult>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal, output: tail.text() }));
    });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Like runCommand, but a non-zero exit becomes an Error quoting the command's output. */
export async function runCommandOrThrow(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<RunCommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const status = result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
    throw new Error(`${command} ${args.join(' ')} failed (${status}):\n${result.output}`);
  }
  return result;
}
