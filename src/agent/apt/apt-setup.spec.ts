import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APT_SETUP_FILES, aptRemove, aptSetup, AptSetupOptions, authEntry } from './apt-setup';
import { readDpkgInventory } from './dpkg-inventory';
import { readOsRelease } from './os-release';

const DEBIAN_SOURCES = `Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates bookworm-backports
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

const SOURCES_LIST = `# the archive
deb http://deb.debian.org/debian bookworm main contrib
deb-src http://deb.debian.org/debian bookworm main
deb [arch=amd64] http://security.debian.org/debian-security bookworm-security main
deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable
`;

const KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ0abc\n=AbCd\n-----END PGP PUBLIC KEY BLOCK-----\n';

describe('apt-setup', () => {
  let root: string;
  const options = (): AptSetupOptions => ({
    root,
    server: 'http://patchgate.example:8530',
    computerId: '6a1f0a56-1111-4222-8333-944455556666',
    token: 'pgc_secret',
    armoredKey: KEY,
    distro: 'debian',
    codename: 'bookworm',
    components: ['main'],
    hookCommand: `'/usr/bin/node' '/opt/agent/cli.js' inventory --state-dir '/var/lib/patchgate-agent' >/dev/null 2>&1 || true`,
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pg-apt-setup-'));
    mkdirSync(join(root, 'etc/apt/sources.list.d'), { recursive: true });
    writeFileSync(join(root, 'etc/apt/sources.list.d/debian.sources'), DEBIAN_SOURCES);
    writeFileSync(join(root, 'etc/apt/sources.list'), SOURCES_LIST);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes the .sources with both suites and the key inline, and an auth entry with the scheme, mode 600', () => {
    aptSetup(options());
    const sources = readFileSync(join(root, APT_SETUP_FILES.sources), 'utf8');
    expect(sources).toContain('Types: deb\nURIs: http://patchgate.example:8530/apt/debian\nSuites: bookworm bookworm-approved\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n xjMEZ0abc\n =AbCd\n -----END PGP PUBLIC KEY BLOCK-----\n');
    expect(sources).not.toContain('trusted');
    const auth = join(root, APT_SETUP_FILES.auth);
    expect(readFileSync(auth, 'utf8')).toBe('machine http://patchgate.example:8530/apt/ login 6a1f0a56-1111-4222-8333-944455556666 password pgc_secret\n');
    expect(statSync(auth).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(root, APT_SETUP_FILES.hook), 'utf8')).toContain(`DPkg::Post-Invoke { "'/usr/bin/node' '/opt/agent/cli.js' inventory --state-dir '/var/lib/patchgate-agent' >/dev/null 2>&1 || true"; };`);
  });

  it('keeps a path prefix of the server in the auth entry, and https as https', () => {
    expect(authEntry('https://updates.example.com/patchgate/', 'c', 't')).toBe('machine https://updates.example.com/patchgate/apt/ login c password t\n');
  });

  it('turns off the archive entries it replaces (keeping backports, deb-src and other repositories) and restores them on remove', () => {
    const result = aptSetup(options());
    const debian = readFileSync(join(root, 'etc/apt/sources.list.d/debian.sources'), 'utf8');
    expect(debian).toContain('Suites: bookworm-backports\n');
    expect(debian).toMatch(/Suites: bookworm-security\nComponents: main non-free-firmware\nSigned-By: \/usr\/share\/keyrings\/debian-archive-keyring.gpg\nEnabled: no\n$/);
    const list = readFileSync(join(root, 'etc/apt/sources.list'), 'utf8');
    expect(list).toContain('# disabled by patchgate-agent apt-setup: deb http://deb.debian.org/debian bookworm main contrib\n');
    expect(list).toContain('\ndeb-src http://deb.debian.org/debian bookworm main\n');
    expect(list).toContain('# disabled by patchgate-agent apt-setup: deb [arch=amd64] http://security.debian.org/debian-security bookworm-security main\n');
    expect(list).toContain('\ndeb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable\n');
    expect(result.disabled).toHaveLength(4);

    // A second run (e.g. after a re-registration) keeps the first originals.
    aptSetup(options());
    const removed = aptRemove(root);
    expect(removed.restored.sort()).toEqual(['etc/apt/sources.list', 'etc/apt/sources.list.d/debian.sources']);
    expect(readFileSync(join(root, 'etc/apt/sources.list.d/debian.sources'), 'utf8')).toBe(DEBIAN_SOURCES);
    expect(readFileSync(join(root, 'etc/apt/sources.list'), 'utf8')).toBe(SOURCES_LIST);
    for (const file of [APT_SETUP_FILES.sources, APT_SETUP_FILES.auth, APT_SETUP_FILES.hook, APT_SETUP_FILES.saved]) {
      expect(() => statSync(join(root, file))).toThrow();
    }
  });

  it('reads the distro from os-release and the installed packages from the dpkg status, ignoring removed ones', () => {
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n');
    expect(readOsRelease(root)).toEqual({ id: 'debian', versionId: '12', codename: 'bookworm' });
    expect(readDpkgInventory(root)).toBeNull();
    mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
    writeFileSync(
      join(root, 'var/lib/dpkg/status'),
      'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\nDescription: x\n multi\n\n' +
        'Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.0\n\n' +
        'Package: base-files\nStatus: hold ok installed\nArchitecture: all\nVersion: 12.4+deb12u5\n',
    );
    const inventory = readDpkgInventory(root)!;
    expect(inventory.packages).toEqual([
      { name: 'base-files', version: '12.4+deb12u5', arch: 'all' },
      { name: 'zlib1g', version: '1:1.2.13.dfsg-1', arch: 'amd64' },
    ]);
    writeFileSync(join(root, 'var/lib/dpkg/status'), 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-2\n');
    expect(readDpkgInventory(root)!.digest).not.toBe(inventory.digest);
  });
});
