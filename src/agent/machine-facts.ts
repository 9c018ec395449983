import { arch, hostname, platform, release } from 'node:os';

export interface MachineFacts {
  hostname: string;
  os: { family: string; version: string };
  arch: string;
}

const FAMILIES: Record<string, string> = { win32: 'windows', darwin: 'macos', linux: 'linux' };
const ARCHES: Record<string, string> = { x64: 'x64', arm64: 'arm64', ia32: 'x86', arm: 'arm' };

/** The facts the server targets on, read from this machine in the server's vocabulary; any can be overridden. */
export function machineFacts(overrides: { hostname?: string; osFamily?: string; osVersion?: string; arch?: string } = {}): MachineFacts {
  const family = FAMILIES[platform()] ?? platform();
  return {
    hostname: overrides.hostname ?? hostname(),
    os: { family: (overrides.osFamily ?? family).toLowerCase(), version: overrides.osVersion ?? osVersion() },
    arch: (overrides.arch ?? ARCHES[arch()] ?? arch()).toLowerCase(),
  };
}

/** The kernel release, trimmed to the characters the server accepts in a version ("6.8.0-45-generic"). */
function osVersion(): string {
  return release().replace(/[^0-9A-Za-z.+_-]/g, '').slice(0, 64) || '0';
}
