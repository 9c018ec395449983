import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface AptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real apt in a throwaway root (`APT_CONFIG`): its own sources, lists, caches and dpkg
 * status, nothing of the host's apt touched (docs/debian.md, "Testing with the real apt").
 */
export class ScratchAptRoot {
  readonly root: string;
  readonly config: string;

  constructor(options: { arch?: string; dpkgStatus?: string; prefix?: string; config?: string[] } = {}) {
    this.root = mkdtempSync(join(tmpdir(), options.prefix ?? 'pg-apt-'));
    for (const dir of [
      'etc/apt/sources.list.d', 'etc/apt/auth.conf.d', 'etc/apt/preferences.d', 'etc/apt/apt.conf.d', 'etc/apt/trusted.gpg.d',
      'var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/lib/dpkg/updates', 'var/lib/dpkg/info', 'var/log/apt',
    ]) {
      mkdirSync(join(this.root, dir), { recursive: true });
    }
    writeFileSync(join(this.root, 'var/lib/dpkg/status'), options.dpkgStatus ?? '');
    const arch = options.arch ?? 'amd64';
    this.config = join(this.root, 'apt.conf');
    writeFileSync(
      this.config,
      [
        `Dir "${this.root}/";`,
        `Dir::State::status "${this.root}/var/lib/dpkg/status";`,
        `APT::Architecture "${arch}";`,
        `APT::Architectures { "${arch}"; };`,
        'Acquire::Languages "none";',
        'Acquire::Retries "0";',
        'Acquire::http::Timeout "10";',
        'APT::Sandbox::User "root";',
        'Debug::NoLocking "true";',
        ...(options.config ?? []),
        '',
      ].join('\n'),
    );
  }

  async exec(command: 'apt-get' | 'apt-cache', args: string[], timeoutMs = 60_000): Promise<AptRun> {
    try {
      const { stdout, stderr } = await run(command, args, { env: { ...process.env, APT_CONFIG: this.config, LC_ALL: 'C' }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
