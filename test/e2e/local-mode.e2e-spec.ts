import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HttpClient } from '../support/http-client';
import { descendantPids, isAlive } from '../support/process-tree';

const ROOT = resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
}

/** Starts `node dist/src/local.js` as `npm start` does and waits for its banner. */
async function startLocal(dataDir: string, port: number): Promise<Running> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATCHGATE_DATA_DIR: dataDir, PORT: String(port), PATCHGATE_SAMPLE_FEED: 'false', LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'PATCHGATE_ADMIN_PASSWORD', 'PATCHGATE_ADMIN_USER']) delete env[name];
  // Its own process group, as a shell gives a foreground job: Ctrl-C signals that whole group.
  const child = spawn(process.execPath, ['dist/src/local.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`local mode did not start in time:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`local mode exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

async function interruptAndWait(running: Running): Promise<{ code: number | null; orphans: number[] }> {
  const descendants = descendantPids(running.child.pid!);
  expect(descendants.length).toBeGreaterThanOrEqual(2); // at least PostgreSQL and Redis
  const exited = new Promise<number | null>((done) => running.child.on('exit', (code) => done(code)));
  // What a terminal does on Ctrl-C: SIGINT to every process of the foreground process group.
  process.kill(-running.child.pid!, 'SIGINT');
  const code = await exited;
  return { code, orphans: descendants.filter(isAlive) };
}

describe('local mode (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'patchgate-local-'));
  let port: number;

  beforeAll(async () => {
    // The server only: rebuilding the console here would replace dist/console under the console's
    // e2e test, which serves it in parallel (npm run test:e2e builds it once, first).
    execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'ignore' });
    port = await freePort();
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts its own services, prints a working admin, and Ctrl-C leaves no process behind; a second start reuses the data', async () => {
    const first = await startLocal(dataDir, port);
    const password = /Password \(shown once\): (\S+)/.exec(first.output())?.[1];
    expect(password).toBeDefined();
    expect(first.output()).toContain(`http://127.0.0.1:${port}`);
    const http = new HttpClient(`http://127.0.0.1:${port}`);
    const login = await http.post('/api/v1/auth/login', { username: 'admin', password });
    expect(login.status).toBe(200);
    expect((await http.get('/health/ready')).status).toBe(200);
    const stopped = await interruptAndWait(first);
    expect(stopped.code).toBe(0);
    expect(stopped.orphans).toEqual([]);
    expect(first.output()).toContain('stopped.');
    expect(first.output()).not.toMatch(/ECONNREFUSED|Stream isn't writeable|again: exiting now/);

    const second = await startLocal(dataDir, port);
    expect(second.output()).not.toContain('Password (shown once)');
    expect((await http.post('/api/v1/auth/login', { username: 'admin', password })).status).toBe(200);
    const stoppedAgain = await interruptAndWait(second);
    expect(stoppedAgain.code).toBe(0);
    expect(stoppedAgain.orphans).toEqual([]);
    expect(second.output()).not.toMatch(/ECONNREFUSED|Stream isn't writeable|again: exiting now/);
  }, 240_000);

  it('refuses a bad configuration value and names the variable', () => {
    let message = '';
    try {
      execFileSync(process.execPath, ['dist/src/main.js'], {
        cwd: ROOT,
        env: { ...process.env, PORT: 'not-a-port', DATABASE_URL: 'postgres://x@127.0.0.1/x', REDIS_URL: 'redis://127.0.0.1:1', JWT_SECRET: 'x'.repeat(40) },
        stdio: 'pipe',
      });
    } catch (error) {
      message = String((error as { stderr: Buffer }).stderr);
    }
    expect(message).toMatch(/PORT/);
  });
});
