import { runCommand, RunCommandResult } from './command-runner';
import { findExecutable } from './executable-lookup';
import { runningAsRoot } from './unprivileged-user';

const SYSTEM_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin'];
const APT_TIMEOUT_MS = 600_000;

/**
 * Finds redis-server, installing the Debian package when we are root on an apt system
 * (PostgreSQL ships with the dev image, Redis often does not). Installing the package may also
 * start a system Redis on 6379 through its service scripts; harmless, we run our own.
 */
export async function findOrInstallRedisServer(log: (message: string) => void): Promise<string> {
  const existing = await findExecutable('redis-server', SYSTEM_DIRS);
  if (existing) return existing;
  const aptGet = await findExecutable('apt-get', SYSTEM_DIRS);
  if (!runningAsRoot() || !aptGet) {
    throw new Error('redis-server was not found. Install redis-server (e.g. apt-get install -y redis-server) or set REDIS_URL.');
  }
  log('redis-server not found; installing it with apt-get install -y redis-server');
  let result = await apt(aptGet, ['install', '-y', 'redis-server']);
  if (result.code !== 0) {
    // Usually stale package lists (a fresh image has none): refresh once and retry.
    log('apt-get install failed; running apt-get update and retrying');
    await apt(aptGet, ['update']);
    result = await apt(aptGet, ['install', '-y', 'redis-server']);
  }
  const installed = await findExecutable('redis-server', SYSTEM_DIRS);
  if (result.code !== 0 || !installed) {
    throw new Error(
      'Installing redis-server with apt-get failed. Install redis-server (e.g. apt-get install -y redis-server) ' +
        `or set REDIS_URL. apt-get output:\n${result.output}`,
    );
  }
  log(`redis-server installed at ${installed}`);
  return installed;
}

async function apt(aptGet: string, args: readonly string[]): Promise<RunCommandResult> {
  return runCommand(aptGet, ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeoutMs: APT_TIMEOUT_MS,
  });
}
