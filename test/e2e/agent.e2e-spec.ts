import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentRunner } from '../../src/agent/agent-runner';
import { StateDir } from '../../src/agent/agent-state';
import { registerAgent } from '../../src/agent/registration';
import { FleetSimulator } from '../../src/agent/simulator';
import { describeAgent } from '../../src/agent/status-report';
import { approve } from '../factories/approvals.factory';
import { createEnrollmentKey } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { insertUpdate } from '../factories/updates.factory';
import { eventually } from '../support/eventually';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT_GROUP = '00000000-0000-4000-8000-000000000001';
const LINUX = { osFamily: ['linux'], arch: ['x64'] };

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface RecordedAnswer {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/**
 * A machine in the middle, on loopback in front of the API: passes traffic through, or flips one
 * byte of a check-in answer, or answers a check-in with the first 200 answer it saw (a replay).
 */
class MeddlingProxy {
  /** freeze: answers every check-in 304 itself, without asking the server */
  mode: 'pass' | 'flip' | 'replay' | 'freeze' = 'pass';
  firstAnswer: RecordedAnswer | null = null;
  /** If-None-Match of each check-in seen */
  checkInEtags: (string | undefined)[] = [];
  readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(private readonly upstream: string) {}

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const isCheckIn = req.url === '/client/v1/checkin';
    if (isCheckIn) this.checkInEtags.push(req.headers['if-none-match']);
    if (isCheckIn && this.mode === 'freeze') return this.send(res, { status: 304, headers: [], body: Buffer.alloc(0) });
    if (isCheckIn && this.mode === 'replay' && this.firstAnswer) return this.send(res, this.firstAnswer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    const answer = await fetch(`${this.upstream}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
    const recorded: RecordedAnswer = {
      status: answer.status,
      headers: [...answer.headers].filter(([name]) => !['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive'].includes(name)),
      body: Buffer.from(await answer.arrayBuffer()),
    };
    if (isCheckIn && recorded.status === 200) {
      this.firstAnswer ??= { ...recorded, body: Buffer.from(recorded.body) };
      if (this.mode === 'flip') recorded.body[Math.floor(recorded.body.length / 2)] ^= 0x01;
    }
    this.send(res, recorded);
  }

  private send(res: ServerResponse, answer: RecordedAnswer): void {
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    if (answer.status !== 304) res.setHeader('content-length', String(answer.body.length));
    res.statusCode = answer.status;
    res.end(answer.status === 304 ? undefined : answer.body);
  }
}

describe('reference agent against the real server', () => {
  let app: TestApp;
  let admin: string;
  let groupId: string;
  let files: Server;
  let filesUrl: string;
  let proxy: MeddlingProxy;
  let proxyUrl: string;
  let work: string;
  let markers: string;
  let stateDir: StateDir;
  let computerId: string;
  const payload = randomBytes(32 * 1024);
  const sha256 = createHash('sha256').update(payload).digest('hex');
  const good = () => ({ name: 'good.bin', url: `${filesUrl}/good.bin`, sha256, size: payload.length });

  // Writes the downloaded file to markers/<updateId>: the marker proves the install ran, with those bytes.
  const runner = () => new AgentRunner(stateDir, { installCmd: `cat {file} > '${markers}'/"$PATCHGATE_UPDATE_ID"`, uninstallCmd: `rm '${markers}'/{updateId}`, log: () => undefined, logError: () => undefined });
  const marker = (updateId: string) => join(markers, updateId);
  const installState = async (updateId: string) =>
    (await app.db.query('SELECT state, error_code FROM install_states WHERE computer_id = $1 AND update_id = $2', [computerId, updateId]))[0] as
      | { state: string; error_code: string | null }
      | undefined;
  const newLinuxUpdate = async (fileList: { name: string; url: string; sha256: string; size: number }[], reboot: 'never' | 'always' = 'never') => {
    const updateId = await insertUpdate(app.db, { files: fileList, applicability: LINUX, installBehavior: { reboot, userInput: false }, products: ['Linux/Ubuntu'] });
    // Approving after the insert bumps the offer versions, so cached offers see the new row.
    await approve(app, admin, { updateId, groupId, decision: 'install' });
    return updateId;
  };

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    groupId = (await createGroup(app, admin, { name: 'Agents' })).id;
    files = createServer((req, res) => {
      if (req.url === '/good.bin') return res.end(payload);
      if (req.url === '/other.bin') return res.end(randomBytes(payload.length));
      if (req.url === '/bigger.bin') {
        res.write(payload);
        return res.end(randomBytes(1024));
      }
      res.statusCode = 404;
      res.end();
    });
    filesUrl = await listen(files);
    proxy = new MeddlingProxy(app.http.baseUrl);
    proxyUrl = await listen(proxy.server);
    work = mkdtempSync(join(tmpdir(), 'pg-agent-e2e-'));
    markers = mkdtempSync(join(work, 'markers-'));
    stateDir = new StateDir(join(work, 'state'));
  }, 120_000);

  afterAll(async () => {
    await close(proxy.server);
    await close(files);
    await app.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('registers, pins the server key and keeps its state private; a second registration needs --force', async () => {
    const { key } = await createEnrollmentKey(app, admin, { groupId });
    const facts = { hostname: 'agent-e2e.example.com', os: { family: 'linux', version: '6.8.0' }, arch: 'x64' };
    const registration = await registerAgent(stateDir, { server: proxyUrl, enrollmentKey: key, facts });
    computerId = registration.computerId;
    const { body: published } = await app.http.get('/client/v1/keys');
    expect(published.keys).toContainEqual(expect.objectContaining({ id: registration.serverPublicKey.id, publicKey: registration.serverPublicKey.publicKey }));
    expect(statSync(stateDir.dir).mode & 0o777).toBe(0o700);
    for (const file of ['registration.json', 'state.json']) expect(statSync(join(stateDir.dir, file)).mode & 0o777).toBe(0o600);
    const { body: computer } = await app.http.get(`/api/v1/computers/${computerId}`, { token: admin });
    expect(computer).toMatchObject({ hostname: 'agent-e2e.example.com' });

    await expect(registerAgent(stateDir, { server: proxyUrl, enrollmentKey: key, facts })).rejects.toThrow(/--force/);
    expect(stateDir.readRegistration().computerId).toBe(computerId);
  });

  it('installs an approved update with the offered file and the server reports it installed', async () => {
    const updateId = await newLinuxUpdate([good()]);
    const result = await runner().cycle();
    expect(result).toMatchObject({ outcome: 'offer', installed: 1, failed: 0 });
    expect(readFileSync(marker(updateId)).equals(payload)).toBe(true);
    expect(stateDir.readState().installed[updateId]).toMatchObject({ revision: 1, state: 'installed' });

    const report = await eventually(
      () => app.http.get(`/api/v1/reports/computers/${computerId}`, { token: admin }),
      (res) => res.body.updates?.some((u: { updateId: string; state: string }) => u.updateId === updateId && u.state === 'installed'),
    );
    expect(report.status).toBe(200);
    expect(describeAgent(stateDir.readRegistration(), stateDir.readState())).toContain(computerId);
  });

  it('refuses an answer with one flipped byte and installs nothing', async () => {
    const updateId = await newLinuxUpdate([good()]);
    const before = stateDir.readState();
    proxy.mode = 'flip';
    try {
      const result = await runner().cycle();
      expect(result).toMatchObject({ outcome: 'refused', reason: 'bad_signature', installed: 0 });
    } finally {
      proxy.mode = 'pass';
    }
    expect(existsSync(marker(updateId))).toBe(false);
    const after = stateDir.readState();
    expect(after.lastSeq).toBe(before.lastSeq);
    expect(after.lastEtag).toBe(before.lastEtag);
    expect(after.lastErrors.at(-1)).toMatchObject({ code: 'refused_bad_signature' });
    expect(await installState(updateId)).toBeUndefined();
  });

  it('refuses a replayed older answer, then installs once the path is honest again', async () => {
    proxy.mode = 'replay';
    try {
      const result = await runner().cycle();
      expect(result).toMatchObject({ outcome: 'refused', reason: 'stale_seq' });
    } finally {
      proxy.mode = 'pass';
    }
    const pending = (await app.db.query(`SELECT update_id FROM updates ORDER BY released_at, update_id`)) as { update_id: string }[];
    const notYet = pending.map((r) => r.update_id).filter((id) => !stateDir.readState().installed[id]);
    expect(notYet).toHaveLength(1);
    expect(existsSync(marker(notYet[0]))).toBe(false);

    const result = await runner().cycle();
    expect(result).toMatchObject({ outcome: 'offer', installed: 1 });
    expect(readFileSync(marker(notYet[0])).equals(payload)).toBe(true);
  });

  it('does not install a file with the wrong hash or more bytes than declared, and reports why', async () => {
    const wrongHash = await newLinuxUpdate([{ name: 'other.bin', url: `${filesUrl}/other.bin`, sha256, size: payload.length }]);
    const tooBig = await newLinuxUpdate([{ name: 'bigger.bin', url: `${filesUrl}/bigger.bin`, sha256, size: payload.length }]);
    const unreachable = await newLinuxUpdate([{ name: 'gone.bin', url: `${filesUrl}/gone.bin`, sha256, size: payload.length }]);
    expect(await runner().run(true)).toBe(5);
    for (const id of [wrongHash, tooBig, unreachable]) expect(existsSync(marker(id))).toBe(false);
    const states = await eventually(
      async () => Promise.all([wrongHash, tooBig, unreachable].map(installState)),
      (rows) => rows.every((row) => row?.state === 'failed'),
    );
    expect(states.map((s) => s!.error_code)).toEqual(['hash_mismatch', 'size_exceeded', 'download_failed']);
    expect(stateDir.readState().installed).not.toHaveProperty(wrongHash);
    expect(stateDir.readState().failures[tooBig]).toMatchObject({ revision: 1, attempts: 1, code: 'size_exceeded' });
  });

  it('reports a failing install command with its exit code, and a reboot-always update as pending reboot', async () => {
    const failing = await newLinuxUpdate([good()]);
    const agent = new AgentRunner(stateDir, { installCmd: 'exit 7', log: () => undefined, logError: () => undefined });
    // The three failed downloads above wait for their retry time; only the new update is tried.
    expect(await agent.cycle()).toMatchObject({ outcome: 'offer', failed: 1 });
    await eventually(() => installState(failing), (row) => row?.error_code === 'install_exit_7');

    const rebooting = await newLinuxUpdate([good()], 'always');
    await runner().cycle();
    await eventually(() => installState(rebooting), (row) => row?.state === 'installed_pending_reboot');
    expect(existsSync(marker(rebooting))).toBe(true);
  });

  it('answers an unchanged offer with 304 and does nothing', async () => {
    // Status reports change what the server knows of the computer, so it may take a round or two
    // for the offer to settle; then the agent's ETag gets a 304 and the agent does nothing.
    const outcomes: string[] = [];
    for (let i = 0; i < 6 && outcomes.at(-1) !== 'not_modified'; i++) {
      outcomes.push((await runner().cycle()).outcome);
      if (outcomes.at(-1) !== 'not_modified') await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(outcomes).toContain('not_modified');
    const settled = stateDir.readState();
    expect(await runner().cycle()).toMatchObject({ outcome: 'not_modified', installed: 0, failed: 0 });
    const after = stateDir.readState();
    expect(after.lastSeq).toBe(settled.lastSeq);
    expect(after.reportSeq).toBe(settled.reportSeq);
  });

  it('accepts an unsigned 304 only while its last signed answer is valid, then asks afresh and refuses a frozen path', async () => {
    proxy.mode = 'freeze';
    try {
      // Within the signed answer's lifetime a 304 keeps the agent on it.
      expect(await runner().cycle()).toMatchObject({ outcome: 'not_modified' });
      expect(proxy.checkInEtags.at(-1)).toBe(stateDir.readState().lastEtag);

      // Time passes: the last signed answer has expired.
      const state = stateDir.readState();
      expect(Date.parse(state.lastExpires!)).toBeGreaterThan(Date.now());
      stateDir.writeState({ ...state, lastExpires: new Date(Date.now() - 1000).toISOString() });
      const errors: string[] = [];
      const frozen = await new AgentRunner(stateDir, { log: () => undefined, logError: (line) => errors.push(line) }).cycle();
      expect(frozen).toMatchObject({ outcome: 'refused', reason: 'stale_not_modified', installed: 0 });
      expect(proxy.checkInEtags.at(-1)).toBeUndefined();
      expect(errors.join('\n')).toContain('stale_not_modified');
      expect(stateDir.readState()).toMatchObject({ lastEtag: null, lastCheckInResult: 'refused: stale_not_modified' });
      expect(stateDir.readState().lastErrors.at(-1)).toMatchObject({ code: 'refused_stale_not_modified' });
      // Still frozen next time: still refused, never taken for "nothing changed".
      expect(await runner().cycle()).toMatchObject({ outcome: 'refused', reason: 'stale_not_modified' });
    } finally {
      proxy.mode = 'pass';
    }
    // An honest path again: a full, signed answer, valid for a while.
    expect(await runner().cycle()).toMatchObject({ outcome: 'offer' });
    expect(proxy.checkInEtags.at(-1)).toBeUndefined();
    expect(Date.parse(stateDir.readState().lastExpires!)).toBeGreaterThan(Date.now());
  });

  it('uninstalls what an uninstall approval names and reports it uninstalled', async () => {
    const installedId = Object.keys(stateDir.readState().installed)[0];
    await approve(app, admin, { updateId: installedId, groupId, decision: 'uninstall' });
    const result = await runner().cycle();
    expect(result).toMatchObject({ outcome: 'offer', uninstalled: 1 });
    expect(existsSync(marker(installedId))).toBe(false);
    expect(stateDir.readState().installed).not.toHaveProperty(installedId);
    await eventually(() => installState(installedId), (row) => row?.state === 'uninstalled');
  });

  it('installs optional updates only with includeOptional, and waits for the quiet hours except past a deadline', async () => {
    const realNow = Date.now();
    const soon = new Date(realNow + 86_400_000).toISOString();
    const newUpdate = async (approval: { deadline?: string; optional?: boolean }) => {
      const updateId = await insertUpdate(app.db, { files: [good()], applicability: LINUX, installBehavior: { reboot: 'never', userInput: false }, products: ['Linux/Ubuntu'] });
      await approve(app, admin, { updateId, groupId, decision: 'install', ...approval });
      return updateId;
    };
    const withDeadline = await newUpdate({ deadline: soon });
    const plain = await newUpdate({});
    const optional = await newUpdate({ optional: true });
    const policyRunner = (options: { quietHoursNow: boolean; includeOptional?: boolean; at: number }) => {
      const hour = new Date(options.at).getHours();
      // quiet hours that hold the agent's "now", or that start two hours after it
      const quietHours = options.quietHoursNow ? { start: hour, end: (hour + 1) % 24 } : { start: (hour + 2) % 24, end: (hour + 3) % 24 };
      return new AgentRunner(stateDir, {
        installCmd: `cat {file} > '${markers}'/"$PATCHGATE_UPDATE_ID"`, log: () => undefined, logError: () => undefined,
        quietHours, includeOptional: options.includeOptional, now: () => new Date(options.at),
      });
    };
    const installed = () => [withDeadline, plain, optional].map((id) => existsSync(marker(id)));

    // Outside the quiet hours, before the deadline: nothing; the optional one is not wanted at all.
    const outside = await policyRunner({ quietHoursNow: false, at: realNow }).cycle();
    expect(outside).toMatchObject({ outcome: 'offer', installed: 0 });
    expect(installed()).toEqual([false, false, false]);
    expect(stateDir.readState()).toMatchObject({ deferred: expect.arrayContaining([withDeadline, plain]), skippedOptional: [optional] });

    // Still outside the quiet hours, but past the deadline: that one is installed at once (a full answer, not a 304).
    const late = await policyRunner({ quietHoursNow: false, at: realNow + 2 * 86_400_000 }).cycle();
    expect(late).toMatchObject({ outcome: 'offer', installed: 1 });
    expect(installed()).toEqual([true, false, false]);
    await eventually(() => installState(withDeadline), (row) => row?.state === 'installed');

    // In the quiet hours, optional updates wanted: the rest.
    const quiet = await policyRunner({ quietHoursNow: true, includeOptional: true, at: realNow }).cycle();
    expect(quiet).toMatchObject({ outcome: 'offer', installed: 2, deferred: 0 });
    expect(installed()).toEqual([true, true, true]);
    expect(stateDir.readState()).toMatchObject({ deferred: [], skippedOptional: [] });
  });

  it('drops, and logs, a queued status event the server does not accept (an update its catalog does not hold)', async () => {
    const unknown = '6f1f8a52-4b7e-4d3c-9a55-0000000000ee';
    const state = stateDir.readState();
    state.reportSeq += 1;
    state.pendingEvents.push({ updateId: unknown, revision: 1, state: 'installed', occurredAt: new Date().toISOString(), seq: state.reportSeq });
    stateDir.writeState(state);
    const errors: string[] = [];
    await new AgentRunner(stateDir, { log: () => undefined, logError: (line) => errors.push(line) }).cycle();
    expect(errors).toContain(`status event for ${unknown} not accepted by the server (unknown_update); dropped`);
    expect(stateDir.readState().pendingEvents).toEqual([]);
  });

  it('simulates 200 computers without a single error, and reuses their tokens on the next run', async () => {
    const windows = await insertUpdate(app.db, { applicability: { osFamily: ['windows'], arch: ['x64'] } });
    await approve(app, admin, { updateId: windows, groupId: ROOT_GROUP, decision: 'install' });
    const { key } = await createEnrollmentKey(app, admin);
    const stateFile = join(work, 'fleet.json');
    const options = { server: app.http.baseUrl, enrollmentKey: key, computers: 200, rate: 150, stateFile, verifySample: 1, concurrency: 32, registerConcurrency: 16, log: () => undefined };
    const first = await new FleetSimulator({ ...options, durationSeconds: 4 }).run();
    expect(first).toMatchObject({ registered: 200, reused: 0, errors: 0, refused: 0 });
    expect(first.checkIns).toBeGreaterThan(0);
    expect(first.ok).toBeGreaterThan(0);
    expect(first.statusEvents).toBeGreaterThan(0);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);

    const second = await new FleetSimulator({ ...options, durationSeconds: 2 }).run();
    expect(second).toMatchObject({ registered: 0, reused: 200, errors: 0 });
    expect(second.notModified).toBeGreaterThan(0);
    const [{ count }] = await app.db.query(`SELECT count(*)::int AS count FROM install_states WHERE update_id = $1`, [windows]);
    expect(count).toBeGreaterThan(0);
  }, 60_000);
});
