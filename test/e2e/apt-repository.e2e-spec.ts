import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDpkgInventory } from '../../src/agent/apt/dpkg-inventory';
import { approve } from '../factories/approvals.factory';
import { createEnrollmentKey, registrationBody } from '../factories/computers.factory';
import { createGroup } from '../factories/groups.factory';
import { AptArchive, AptArchiveServer, BuiltPackage } from '../support/apt-archive';
import { AptClient } from '../support/apt-client';
import { eventually } from '../support/eventually';
import { syncDebianArchives } from '../support/sync';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 24 * 3600 * 1000;
const T0 = new Date(Date.now() - 30 * DAY);
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Machine {
  computerId: string;
  token: string;
  apt: AptClient;
}

/**
 * The APT repositories served by Patchgate, read by the real apt in scratch roots, against a small
 * signed archive synced by the apt upstream (test/support/apt-archive.ts): docs/debian.md.
 */
describe('APT repositories per computer', () => {
  let app: TestApp;
  let admin: string;
  let archive: AptArchive;
  let security: AptArchive;
  let mainServer: AptArchiveServer;
  let securityServer: AptArchiveServer;
  const pkgs: Record<string, BuiltPackage> = {};
  let pilot: Machine;
  let office: Machine;
  let pilotGroup: string;
  let helloUpdate: string;
  let repositoryKey: string;
  let baseUrl: string;

  const register = async (groupId: string): Promise<Machine> => {
    const { key } = await createEnrollmentKey(app, admin, { groupId });
    const res = await app.http.post('/client/v1/register', registrationBody(key, { os: { family: 'debian', version: '12' }, arch: 'amd64' }));
    expect(res.status).toBe(201);
    const apt = new AptClient();
    apt.writeSources({ uri: `${baseUrl}/apt/debian`, suites: ['bookworm', 'bookworm-approved'], components: ['main'], armoredKey: repositoryKey });
    apt.writeAuth(`${baseUrl}/apt/`, res.body.computerId, res.body.token);
    return { computerId: res.body.computerId, token: res.body.token, apt };
  };
  const basic = (m: Pick<Machine, 'computerId' | 'token'>) => ({ authorization: `Basic ${Buffer.from(`${m.computerId}:${m.token}`).toString('base64')}` });
  const aptGet = (path: string, m: Pick<Machine, 'computerId' | 'token'>, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/apt/debian/${path}`, { headers: { ...basic(m), ...headers } });
  const poolPath = (p: BuiltPackage) => `pool/${sha256(p.bytes!)}/${p.filename.slice(p.filename.lastIndexOf('/') + 1)}`;

  beforeAll(async () => {
    app = await startTestApp({ withWorker: true });
    admin = await app.login();
    baseUrl = app.http.baseUrl;
    archive = await AptArchive.create();
    security = await AptArchive.create(archive.key);
    pkgs.hello = archive.buildDeb({ package: 'hello', version: '2.10-3', architecture: 'amd64' });
    pkgs.libfoo = archive.buildDeb({ package: 'libfoo1', source: 'foo', version: '1.0-1', architecture: 'amd64' });
    pkgs.tool = archive.buildDeb({ package: 'footool', source: 'foo', version: '1.0-1', architecture: 'amd64', fields: { Depends: 'libfoo1 (>= 1.0-1)' } });
    pkgs.bar = archive.buildDeb({ package: 'bar', version: '1.0-1', architecture: 'amd64', fields: { Depends: 'libbaz1 (>= 1.0-1)' } });
    pkgs.baz = archive.buildDeb({ package: 'libbaz1', source: 'baz', version: '1.0-1', architecture: 'amd64' });
    pkgs.secHello = security.buildDeb({ package: 'hello', version: '2.10-3+deb12u1', architecture: 'amd64', fields: { 'Phased-Update-Percentage': '10' } });
    pkgs.secBar = security.buildDeb({ package: 'bar', version: '1.1-1', architecture: 'amd64', fields: { Depends: 'libbaz1 (>= 1.1-1)' } });
    pkgs.secBaz = security.buildDeb({ package: 'libbaz1', source: 'baz', version: '1.1-1', architecture: 'amd64' });
    await archive.publishSuite({ suite: 'bookworm', version: '12.7', date: at(0), architectures: ['amd64'], allInArchIndexes: true, components: { main: [pkgs.hello, pkgs.libfoo, pkgs.tool, pkgs.bar, pkgs.baz] } });
    await security.publishSuite({ suite: 'bookworm-security', label: 'Debian-Security', version: '12', codename: 'bookworm-security', date: at(2), validUntil: at(400), architectures: ['amd64'], components: { main: [pkgs.secHello, pkgs.secBar, pkgs.secBaz] } });
    mainServer = await AptArchiveServer.start(archive.files, '/debian');
    securityServer = await AptArchiveServer.start(security.files, '/debian-security');
    await syncDebianArchives(app, admin, { main: mainServer.baseUrl, security: securityServer.baseUrl }, archive.key.armoredPublicKey);
    const updates = (await app.http.get('/api/v1/updates?limit=500&q=hello', { token: admin })).body.items as { updateId: string; title: string }[];
    helloUpdate = updates.find((u) => u.title.startsWith('hello 2.10-3+deb12u1'))!.updateId;
    const keys = (await app.http.get('/client/v1/keys')).body.keys as { alg: string; publicKey: string }[];
    repositoryKey = keys.find((k) => k.alg === 'openpgp')!.publicKey;

    pilotGroup = (await createGroup(app, admin, { name: 'Pilot' })).id;
    const officeGroup = (await createGroup(app, admin, { name: 'Office' })).id;
    pilot = await register(pilotGroup);
    office = await register(officeGroup);
    await approve(app, admin, { updateId: helloUpdate, groupId: pilotGroup, decision: 'install' });
  });

  afterAll(async () => {
    pilot?.apt.close();
    office?.apt.close();
    await mainServer?.close();
    await securityServer?.close();
    archive?.close();
    security?.close();
    await app.close();
  });

  it('two computers in two groups see different candidates', async () => {
    for (const m of [pilot, office]) {
      const update = await m.apt.update();
      expect(update.stderr).not.toMatch(/^(W|E):/m);
      expect(update.code).toBe(0);
    }
    expect(await pilot.apt.candidate('hello')).toBe('2.10-3+deb12u1');
    expect(await office.apt.candidate('hello')).toBe('2.10-3');
    // Phased-Update-Percentage is gone from what Patchgate republishes
    expect((await pilot.apt.policy('hello')).stdout).not.toContain('phased');
  });

  it('apt-get install --download-only fetches the approved version from Patchgate with the right sha256', async () => {
    const before = securityServer.requests.length;
    const download = await pilot.apt.downloadOnly('hello');
    expect(download.code).toBe(0);
    expect(download.stdout).toContain(`${baseUrl}/apt/debian`);
    const file = readFileSync(join(pilot.apt.archivesDir(), 'hello_2.10-3+deb12u1_amd64.deb'));
    expect(sha256(file)).toBe(sha256(pkgs.secHello.bytes!));
    // Patchgate fetched the file from the upstream at most once (content mode none: on first request)
    expect(securityServer.requests.slice(before).filter((r) => r.path.endsWith('.deb')).length).toBeLessThanOrEqual(1);
    // a second computer's download is served locally
    await office.apt.downloadOnly('hello');
    expect(securityServer.requests.slice(before).filter((r) => r.path.endsWith('.deb')).length).toBeLessThanOrEqual(1);
  });

  it('files fetched on first request survive the maintenance clean-up: later computers are still served locally', async () => {
    const fetched = () => securityServer.requests.filter((r) => r.path.endsWith('.deb')).length;
    const config = await app.http.put('/api/v1/maintenance/config', {
      schedule: null, declineSupersededAfterDays: 0, declineExpired: false, removeComputersAfterDays: 0, statusHistoryDays: 0, deleteUnneededContent: true, vacuum: false,
    }, { token: admin });
    expect(config.status).toBe(200);
    // What the APT view served so far is on disk (fetched from the upstream on first request).
    await pilot.apt.downloadOnly('hello');
    const before = fetched();
    const started = await app.http.post('/api/v1/maintenance/runs', undefined, { token: admin });
    expect(started.status).toBe(202);
    const run = await eventually(
      async () => (await app.http.get(`/api/v1/maintenance/runs/${started.body.id}`, { token: admin })).body,
      (r) => r.status === 'succeeded' || r.status === 'failed',
      60_000,
    );
    expect(run.status).toBe('succeeded');
    rmSync(join(pilot.apt.archivesDir(), 'hello_2.10-3+deb12u1_amd64.deb'));
    const again = await pilot.apt.downloadOnly('hello');
    expect(again.code).toBe(0);
    expect(sha256(readFileSync(join(pilot.apt.archivesDir(), 'hello_2.10-3+deb12u1_amd64.deb')))).toBe(sha256(pkgs.secHello.bytes!));
    expect(fetched()).toBe(before);
  });

  it('an unapproved .deb is 404, another computer’s or a revoked token’s credentials 401, with Range on .debs', async () => {
    expect((await aptGet(poolPath(pkgs.secHello), office)).status).toBe(404);
    expect((await aptGet(poolPath(pkgs.secHello), { computerId: office.computerId, token: pilot.token })).status).toBe(401);
    expect((await aptGet('dists/bookworm/InRelease', { computerId: pilot.computerId, token: 'pgc_wrong' })).status).toBe(401);
    const ranged = await aptGet(poolPath(pkgs.secHello), pilot, { range: 'bytes=0-9' });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(pkgs.secHello.bytes!.subarray(0, 10));

    const extra = await register(pilotGroup);
    try {
      expect((await aptGet('dists/bookworm/InRelease', extra)).status).toBe(200);
      expect((await app.http.delete(`/api/v1/computers/${extra.computerId}`, { token: admin })).status).toBe(204);
      expect((await aptGet('dists/bookworm/InRelease', extra)).status).toBe(401);
    } finally {
      extra.apt.close();
    }
  });

  it('a second apt-get update with nothing changed is answered 304 (apt says Hit, fetches nothing)', async () => {
    const again = await pilot.apt.update();
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Hit:\d+ \S+ bookworm InRelease/);
    expect(again.stdout).toMatch(/Hit:\d+ \S+ bookworm-approved InRelease/);
    expect(again.stdout).not.toMatch(/Get:/);
    const inRelease = await aptGet('dists/bookworm/InRelease', pilot);
    const conditional = await aptGet('dists/bookworm/InRelease', pilot, { 'if-modified-since': inRelease.headers.get('last-modified')! });
    expect(conditional.status).toBe(304);
  });

  it('gpgv accepts InRelease and Release.gpg as served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-apt-gpgv-'));
    try {
      writeFileSync(join(dir, 'keyring.gpg'), execFileSync('gpg', ['--dearmor'], { input: repositoryKey }));
      for (const name of ['InRelease', 'Release', 'Release.gpg']) {
        writeFileSync(join(dir, name), Buffer.from(await (await aptGet(`dists/bookworm-approved/${name}`, pilot)).arrayBuffer()));
      }
      expect(spawnSync('gpgv', ['--keyring', join(dir, 'keyring.gpg'), join(dir, 'InRelease')]).status).toBe(0);
      expect(spawnSync('gpgv', ['--keyring', join(dir, 'keyring.gpg'), join(dir, 'Release.gpg'), join(dir, 'Release')]).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a decline or a revert removes the version from the candidates at the next apt-get update', async () => {
    for (const takeBack of [{ decision: 'decline' as const, reason: 'breaks the pilot' }, { decision: 'none' as const }]) {
      await approve(app, admin, { updateId: helloUpdate, groupId: pilotGroup, ...takeBack });
      expect((await pilot.apt.update()).code).toBe(0);
      expect(await pilot.apt.candidate('hello')).toBe('2.10-3');
      await approve(app, admin, { updateId: helloUpdate, groupId: pilotGroup, decision: 'install' });
      expect((await pilot.apt.update()).code).toBe(0);
      expect(await pilot.apt.candidate('hello')).toBe('2.10-3+deb12u1');
    }
  });

  it('the dpkg inventory turns the computer\'s report from needed to installed', async () => {
    const report = async () => (await app.http.get(`/api/v1/reports/updates/${helloUpdate}?groupId=${pilotGroup}`, { token: admin })).body.counts;
    const inventory = (hello: string) => ({ inventory: { packages: [{ name: 'hello', version: hello, arch: 'amd64' }, { name: 'libfoo1', version: '1.0-1', arch: 'amd64' }] } });
    expect((await app.http.post('/client/v1/checkin', inventory('2.10-3'), { token: pilot.token })).status).toBe(200);
    expect(await report()).toMatchObject({ needed: 1, installed: 0 });

    // Installed for real into the machine's throwaway root with dpkg; the agent's reader reports dpkg's own state.
    const deb = join(pilot.apt.archivesDir(), 'hello_2.10-3+deb12u1_amd64.deb');
    execFileSync('dpkg', [`--root=${pilot.apt.root}`, '--log=/dev/null', '-i', deb], { stdio: 'ignore' });
    expect(readFileSync(join(pilot.apt.root, 'usr/share/doc/hello/README'), 'utf8')).toContain('2.10-3+deb12u1');
    const dpkgState = readDpkgInventory(pilot.apt.root)!;
    expect(dpkgState.packages).toEqual([{ name: 'hello', version: '2.10-3+deb12u1', arch: 'amd64' }]);
    expect((await app.http.post('/client/v1/checkin', { inventory: { packages: dpkgState.packages } }, { token: pilot.token })).status).toBe(200);
    expect(await report()).toMatchObject({ needed: 0, installed: 1 });
  });

  it('the dependency check names what an approval still needs, and passes once the dependency is approved too', async () => {
    const titles = (await app.http.get('/api/v1/updates?limit=500', { token: admin })).body.items as { updateId: string; title: string }[];
    const bar = titles.find((u) => u.title.startsWith('bar 1.1-1'))!.updateId;
    const baz = titles.find((u) => u.title.startsWith('baz 1.1-1'))!.updateId;
    const approval = await approve(app, admin, { updateId: bar, groupId: pilotGroup, decision: 'install' });
    expect((approval as { aptDependencies?: unknown }).aptDependencies).toMatchObject({ installable: false, packages: ['bar=1.1-1'] });
    const lonely = await app.http.get(`/api/v1/apt/dependencies?updateId=${bar}&groupId=${pilotGroup}`, { token: admin });
    expect(lonely.status).toBe(200);
    expect(lonely.body).toMatchObject({ installable: false, packages: ['bar=1.1-1'] });
    expect(lonely.body.unmet.join('\n')).toMatch(/bar : Depends: libbaz1 \(>= 1\.1-1\)/);
    expect((await approve(app, admin, { updateId: baz, groupId: pilotGroup, decision: 'install' })).aptDependencies).toEqual({ installable: true, unmet: [], packages: ['libbaz1=1.1-1'] });
    const together = await app.http.get(`/api/v1/apt/dependencies?updateId=${bar}&groupId=${pilotGroup}`, { token: admin });
    expect(together.body).toMatchObject({ installable: true, unmet: [] });
    expect((await app.http.get(`/api/v1/apt/dependencies?updateId=${bar}&groupId=not-a-uuid`, { token: admin })).status).toBe(400);
  });

  it('a group move changes what the computer sees at its next apt-get update', async () => {
    expect(await office.apt.candidate('hello')).toBe('2.10-3');
    expect((await app.http.put(`/api/v1/computers/${office.computerId}/group`, { groupId: pilotGroup }, { token: admin })).status).toBe(200);
    expect((await office.apt.update()).code).toBe(0);
    expect(await office.apt.candidate('hello')).toBe('2.10-3+deb12u1');
  });

  it('GET /client/v1/apt/sources gives the .sources this computer should use', async () => {
    const res = await app.http.get('/client/v1/apt/sources', { token: pilot.token });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`URIs: ${baseUrl}/apt/debian\nSuites: bookworm bookworm-approved\nComponents: main\nSigned-By:\n`);
  });
});
