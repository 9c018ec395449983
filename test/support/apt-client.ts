import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AptRun, ScratchAptRoot } from '../../src/modules/apt-repository/dependencies/scratch-apt-root';

export type AptResult = AptRun;

export interface AptSource {
  /** e.g. http://127.0.0.1:1234/apt/debian */
  uri: string;
  suites: string[];
  components: string[];
  /** ASCII-armored OpenPGP public key, inlined in Signed-By */
  armoredKey: string;
}

/**
 * The real apt in a scratch root (APT_CONFIG, src/modules/apt-repository/dependencies/scratch-apt-root.ts),
 * so nothing on the host changes: sources, auth.conf.d, lists, caches and the dpkg status all live
 * under `root`. See docs/debian.md, "Testing with the real apt".
 */
export class AptClient {
  readonly root: string;
  private readonly scratch: ScratchAptRoot;

  constructor(options: { arch?: string; dpkgStatus?: string } = {}) {
    this.scratch = new ScratchAptRoot(options);
    this.root = this.scratch.root;
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
    this.scratch.close();
  }

  private exec(command: 'apt-get' | 'apt-cache', args: string[]): Promise<AptResult> {
    return this.scratch.exec(command, args);
  }
}
