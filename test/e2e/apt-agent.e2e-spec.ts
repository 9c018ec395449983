import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentRunner } from '../../src/agent/agent-runner';
import { StateDir } from '../../src/agent/agent-state';
import { APT_SETUP_FILES } from '../../src/agent/apt/apt-setup';
import { runAptRemove, runAptSetup } from '../../src/agent/apt/apt-setup-command';
import { registerAgent } from '../../src/agent/registration';
import { createEnrollmentKey, registerComputer } from '../factories/computers.factory';
import { AptClient } from '../support/apt-client';
import { startTestApp, TestApp } from '../support/test-app';

const DEBIAN_SOURCES = 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n';
const status = (hello: string) =>
  `Package: hello\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${hello}\n\nPackage: base-files\nStatus: install ok installed\nArchitecture: all\nVersion: 12.4\n`;

/** The agent on an apt machine (a scratch root): apt-setup against the real server, and the dpkg inventory in check-ins. */
describe('patchgate-agent on an apt machine', () => {
  let app: TestApp;
  let admin: string;
  let dir: string;
  let apt: AptClient;
  let stateDir: StateDir;
  let computerId: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login();
    dir = mkdtempSync(join(tmpdir(), 'pg-apt-agent-'));
    apt = new AptClient({ dpkgStatus: status('1.0-1') });
    mkdirSync(join(apt.root, 'etc'), { recursive: true });
    writeFileSync(join(apt.root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');
    writeFileSync(join(apt.root, 'etc/apt/sources.list.d/debian.sources'), DEBIAN_SOURCES);
    stateDir = new StateDir(join(dir, 'state'));
    const { key } = await createEnrollmentKey(app, admin);
    const registration = await registerAgent(stateDir, {
      server: app.http.baseUrl,
      enrollmentKey: key,
      facts: { hostname: 'deb-01.example.com', os: { family: 'debian', version: '12' }, arch: 'amd64' },
    });
    computerId = registration.computerId;
  });

  afterAll(async () => {
    apt.close();
    rmSync(dir, { recursive: true, force: true });
    await app.close();
  });

  const storedPackages = () => app.db.query('SELECT name, arch, version FROM dpkg_installed_packages WHERE computer_id = $1 ORDER BY name', [computerId]);

  it('apt-setup points apt at the server with its repository key, and apt reads that configuration', async () => {
    const result = await runAptSetup({ stateDir, root: apt.root, components: ['main'], agentCommand: ['/usr/bin/node', '/opt/patchgate/cli.js'] });
    expect(result).toMatchObject({ distro: 'debian', codename: 'bookworm' });
    expect(result.disabled).toEqual(['etc/apt/sources.list.d/debian.sources: http://deb.debian.org/debian bookworm bookworm-updates']);
    const { body } = await app.http.get('/client/v1/keys');
    const key = (body.keys as { alg: string; publicKey: string }[]).find((k) => k.alg === 'openpgp')!;
    const sources = readFileSync(join(apt.root, APT_SETUP_FILES.sources), 'utf8');
    expect(sources).toContain(`URIs: ${app.http.baseUrl}/apt/debian\nSuites: bookworm bookworm-approved\n`);
    expect(sources).toContain(` ${key.publicKey.trim().split('\n')[1] || '.'}`);
    expect(statSync(join(apt.root, APT_SETUP_FILES.auth)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(apt.root, APT_SETUP_FILES.auth), 'utf8')).toBe(`machine ${app.http.baseUrl}/apt/ login ${computerId} password ${stateDir.readRegistration().token}\n`);
    expect(readFileSync(join(apt.root, APT_SETUP_FILES.hook), 'utf8')).toContain(`"'/usr/bin/node' '/opt/patchgate/cli.js' 'inventory' '--state-dir' '${join(dir, 'state')}' >/dev/null 2>&1 || true"`);

    // apt parses what was written: Patchgate's two suites, the archive entries gone.
    const uris = await apt.aptGet('update', '--print-uris');
    expect(uris.code).toBe(0);
    expect(uris.stdout).toContain(`${app.http.baseUrl}/apt/debian/dists/bookworm/InRelease`);
    expect(uris.stdout).toContain(`${app.http.baseUrl}/apt/debian/dists/bookworm-approved/InRelease`);
    expect(uris.stdout).not.toContain('deb.debian.org');
  });

  it('reports the dpkg inventory in its check-in, again only when dpkg changed (the apt hook)', async () => {
    const runner = new AgentRunner(stateDir, { log: () => undefined, logError: () => undefined });
    expect((await runner.cycle()).outcome).toBe('offer');
    expect(await storedPackages()).toEqual([
      { name: 'base-files', arch: 'all', version: '12.4' },
      { name: 'hello', arch: 'amd64', version: '1.0-1' },
    ]);
    const [before] = await app.db.query('SELECT reported_at FROM dpkg_inventories WHERE computer_id = $1', [computerId]);
    expect(await runner.reportInventory()).toBe('unchanged');

    writeFileSync(join(apt.root, 'var/lib/dpkg/status'), status('1.1-1'));
    const { lastEtag, lastSeq } = stateDir.readState();
    expect(await runner.reportInventory()).toBe('sent');
    // The hook's check-in is not acted on: the ETag and seq of the last offer acted on stay.
    expect(stateDir.readState()).toMatchObject({ lastEtag, lastSeq });
    expect(await storedPackages()).toContainEqual({ name: 'hello', arch: 'amd64', version: '1.1-1' });
    const [after] = await app.db.query('SELECT reported_at, package_count FROM dpkg_inventories WHERE computer_id = $1', [computerId]);
    expect(after.package_count).toBe(2);
    expect(after.reported_at.getTime()).toBeGreaterThan(before.reported_at.getTime());
  });

  it('refuses a malformed inventory with 400 and stores nothing of it', async () => {
    const pc = await registerComputer(app, admin);
    for (const bad of [{ name: 'Bad Name', version: '1.0', arch: 'amd64' }, { name: 'ok', version: 'x'.repeat(129), arch: 'amd64' }, { name: 'ok', version: '1.0', arch: 'amd64', extra: 1 }]) {
      const res = await app.http.post('/client/v1/checkin', { inventory: { packages: [bad] } }, { token: pc.token });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await app.db.query('SELECT 1 FROM dpkg_installed_packages WHERE computer_id = $1', [pc.computerId])).toEqual([]);
  });

  it('/apt/ asks for HTTP Basic: no or wrong credentials 401 with a challenge, a machine of no synced release 404', async () => {
    const url = `${app.http.baseUrl}/apt/debian/dists/bookworm/InRelease`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    const { token } = stateDir.readRegistration();
    const basic = (login: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` });
    expect((await fetch(url, { headers: basic(computerId, 'pgc_wrong') })).status).toBe(401);
    expect((await fetch(url, { headers: basic(computerId, token) })).status).toBe(404);
    expect((await fetch(`${app.http.baseUrl}/apt/debian/dists/../../etc/passwd`, { headers: basic(computerId, token) })).status).toBe(404);
  });

  it('apt-setup --remove restores the archive entries and stops the inventory reports', () => {
    const removed = runAptRemove(stateDir, apt.root);
    expect(removed.restored).toEqual(['etc/apt/sources.list.d/debian.sources']);
    expect(readFileSync(join(apt.root, 'etc/apt/sources.list.d/debian.sources'), 'utf8')).toBe(DEBIAN_SOURCES);
    expect(() => statSync(join(apt.root, APT_SETUP_FILES.sources))).toThrow();
    expect(stateDir.readState().aptRoot).toBeNull();
  });
});
