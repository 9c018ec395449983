import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { approve } from '../factories/approvals.factory';
import { createEnrollmentKey } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { eventually } from '../support/eventually';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const CLI = 'dist/src/agent/cli.js';

interface Finished {
  code: number | null;
  output: string;
}

function start(args: string[]): { child: ChildProcess; output: () => string; done: Promise<Finished> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<Finished>((resolveDone) => child.on('close', (code) => resolveDone({ code, output })));
  return { child, output: () => output, done };
}

const cli = (args: string[]) => start(args).done;

describe('patchgate-agent, the built CLI', () => {
  let app: TestApp;
  let admin: string;
  let work: string;
  let stateDir: string;
  let key: string;

  beforeAll(async () => {
    // The server only (the agent CLI is part of it): dist/console is built once by npm run test:e2e.
    execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'ignore' });
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    const group = await createGroup(app, admin, { name: 'CLI agents' });
    key = (await createEnrollmentKey(app, admin, { groupId: group.id })).key;
    work = mkdtempSync(join(tmpdir(), 'pg-agent-cli-'));
    stateDir = join(work, 'state');
    const updateId = await insertUpdate(app.db, { files: [], applicability: { osFamily: ['linux'], arch: ['arm64'] }, installBehavior: { reboot: 'never', userInput: false } });
    await approve(app, admin, { updateId, groupId: group.id, decision: 'install' });
  }, 120_000);

  afterAll(async () => {
    await app.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('starts with a shebang, so the bin entry runs it', () => {
    expect(readFileSync(join(ROOT, CLI), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('registers, refuses to register twice without --force, and says so with exit code 4', async () => {
    const args = ['register', '--server', app.http.baseUrl, '--enrollment-key', key, '--state-dir', stateDir, '--hostname', 'cli-agent', '--os-family', 'linux', '--os-version', '6.8.0', '--arch', 'arm64'];
    const first = await cli(args);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/registered as [0-9a-f-]{36}/);
    const again = await cli(args);
    expect(again.code).toBe(4);
    expect(again.output).toContain('--force');
  });

  it('checks in once, in dry-run mode downloads but reports downloaded, never installed, and shows it in status', async () => {
    const run = await cli(['run', '--state-dir', stateDir, '--once']);
    expect(run.output).toContain('would install');
    expect(run.output).toContain('reported downloaded, not installed');
    expect(run.code).toBe(0);
    const registration = JSON.parse(readFileSync(join(stateDir, 'registration.json'), 'utf8'));
    await eventually(
      () => app.db.query(`SELECT state FROM install_states WHERE computer_id = $1`, [registration.computerId]),
      (rows: { state: string }[]) => rows.length === 1 && rows[0].state === 'downloaded',
    );
    // The run has ended and its reports are stored: nothing but `downloaded` was ever reported.
    const events = await app.db.query(`SELECT state FROM status_events WHERE computer_id = $1 ORDER BY seq`, [registration.computerId]);
    expect(events.map((row: { state: string }) => row.state)).toEqual(['downloaded']);
    const status = await cli(['status', '--state-dir', stateDir]);
    expect(status.code).toBe(0);
    expect(status.output).toContain(registration.computerId);
    expect(status.output).toMatch(/installed \(0\)/);
    expect(status.output).toMatch(/dry run, downloaded but not installed \(1\)/);

    // The next run does not fetch the same revision again.
    const again = await cli(['run', '--state-dir', stateDir, '--once']);
    expect(again.code).toBe(0);
    expect(again.output).not.toContain('would install');
  });

  it('stops cleanly on SIGTERM while waiting for the next check-in', async () => {
    const running = start(['run', '--state-dir', stateDir]);
    await eventually(async () => running.output(), (output) => output.includes('next check-in in'), 20_000);
    running.child.kill('SIGTERM');
    const { code } = await running.done;
    expect(code).toBe(0);
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await cli(['run'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('simulates a small fleet and prints the summary, exit code 0', async () => {
    const result = await cli(['simulate', '--server', app.http.baseUrl, '--enrollment-key', key, '--computers', '20', '--duration', '2', '--rate', '20', '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.output.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ computers: 20, registered: 20, errors: 0 });
    // 20 virtual computers wait on one stop signal: expected listeners, no warning.
    expect(result.output).not.toContain('MaxListenersExceededWarning');
  });

  it('refuses a malformed --quiet-hours with exit code 2, naming the form', async () => {
    const result = await cli(['run', '--state-dir', stateDir, '--once', '--quiet-hours', '22:00-06:00']);
    expect(result.code).toBe(2);
    expect(result.output).toContain('--quiet-hours must be HH-HH');
  });

  it('prints the usage for `<command> --help`, exit code 0', async () => {
    for (const command of ['simulate', 'run', 'register', 'status']) {
      const result = await cli([command, '--help']);
      expect({ command, code: result.code }).toEqual({ command, code: 0 });
      expect(result.output).toContain('patchgate-agent simulate --server URL');
      expect(result.output).not.toContain('Unknown option');
    }
  });
});
