import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface AptResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AptSource {
  /** e.g. http://127.0.0.1:1234/apt/debian */
  uri: string;
  suites: string[];
  components: string[];
  /** ASCII-armored OpenPGP public key, inlined in Signed-By */
  armoredKey: string;
}

/**
 * The real apt in a scratch root (APT_CONFIG), so nothing on the host changes: sources,
 * auth.conf.d, lists, caches and the dpkg status all live under `root`. See docs/debian.md,
 * "Testing with the real apt".
 */
export class AptClient {
  readonly root: string;
  private readonly config: string;

  constructor(options: { arch?: string; dpkgStatus?: string } = {}) {
    this.root = mkdtempSync(join(tmpdir(), 'pg-apt-'));
    for (const dir of [
      'etc/apt/sources.list.d', 'etc/apt/auth.conf.d', 'etc/apt/preferences.d', 'etc/apt/apt.conf.d', 'etc/apt/trusted.gpg.d',
      'var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/lib/dpkg/updates', 'var/lib/dpkg/info', 'var/log/apt',
    ]) {
      mkdirSync(join(this.root, dir), { recursive: true });
    }
    writeFileSync(join(this.root, 'var/lib/dpkg/status'), options.dpkgStatus ?? '');
    this.config = join(this.root, 'apt.conf');
    writeFileSync(
      this.config,
      [
        `Dir "${this.root}/";`,
        `Dir::State::status "${this.root}/var/lib/dpkg/status";`,
        `APT::Architecture "${options.arch ?? 'amd64'}";`,
        'APT::Architectures { "' + (options.arch ?? 'amd64') + '"; };',
        'Acquire::Languages "none";',
        'Acquire::Retries "0";',
        'Acquire::http::Timeout "10";',
        'APT::Sandbox::User "root";',
        'Debug::NoLocking "true";',
        '',
      ].join('\n'),
    );
  }

  /** Writes a deb822 .sources file, key inline in Signed-By (what `patchgate-agent apt-setup` writes). */
  writeSources(source: AptSource, name = 'patchgate'): void {
    const key = source.armoredKey.trim().split('\n').map((line) => ` ${line === '' ? '.' : line}`).join('\n');
    writeFileSync(
      join(this.root, `etc/apt/sources.list.d/${name}.sources`),
      `Types: deb\nURIs: ${source.uri}\nSuites: ${source.suites.join(' ')}\nComponents: ${source.components.join(' ')}\nSigned-By:\n${key}\n`,
    );
  }

  /** An auth.conf.d entry; apt sends nothing for an http:// URL without the http:// prefix. */
  writeAuth(machine: string, login: string, password: string): void {
    const path = join(this.root, 'etc/apt/auth.conf.d/patchgate.conf');
    writeFileSync(path, `machine ${machine} login ${login} password ${password}\n`);
    chmodSync(path, 0o600);
  }

  async aptGet(...args: string[]): Promise<AptResult> {
    return this.exec('apt-get', ['-q', '-y', ...args]);
  }

  update(): Promise<AptResult> {
    return this.aptGet('update');
  }

  /** The candidate version apt would install, or null when it knows none. */
  async candidate(name: string): Promise<string | null> {
    const { stdout } = await this.exec('apt-cache', ['policy', name]);
    const match = /Candidate: (\S+)/.exec(stdout);
    return match && match[1] !== '(none)' ? match[1] : null;
  }

  policy(name: string): Promise<AptResult> {
    return this.exec('apt-cache', ['policy', name]);
  }

  downloadOnly(...packages: string[]): Promise<AptResult> {
    return this.aptGet('install', '--download-only', ...packages);
  }

  simulateInstall(...packages: string[]): Promise<AptResult> {
    return this.aptGet('-s', 'install', ...packages);
  }

  archivesDir(): string {
    return join(this.root, 'var/cache/apt/archives');
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private async exec(command: string, args: string[]): Promise<AptResult> {
    try {
      const { stdout, stderr } = await run(command, args, { env: { ...process.env, APT_CONFIG: this.config, LC_ALL: 'C' }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }
}
