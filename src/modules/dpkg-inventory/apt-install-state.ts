import { compareDebianVersions } from '../catalog/sync/upstreams/apt/dpkg-version';

/** A binary package an APT update ships (one per architecture it is built for, or `all`). */
export interface UpdateBinary {
  package: string;
  architecture: string;
  version: string;
}

export interface InstalledBinary {
  name: string;
  arch: string;
  version: string;
}

/**
 * What the dpkg inventory says about one APT update (one source version) on one computer:
 * - `installed` when every binary of the update's source that is installed is at the update's
 *   version or newer;
 * - `needed` when some installed binary is older than the update (a report shows it as needed
 *   when the update is approved for the computer's group);
 * - `not_applicable` when no binary of the update is installed at all.
 */
export function aptInstallState(binaries: UpdateBinary[], installed: (name: string, arch: string) => InstalledBinary | undefined, machineArch: string): 'installed' | 'needed' | 'not_applicable' {
  let found = false;
  for (const binary of binaries) {
    if (binary.architecture !== 'all' && binary.architecture !== machineArch) continue;
    const present = installed(binary.package, binary.architecture === 'all' ? 'all' : machineArch);
    if (!present) continue;
    found = true;
    if (compareDebianVersions(present.version, binary.version) < 0) return 'needed';
  }
  return found ? 'installed' : 'not_applicable';
}

/** A lookup over an inventory list, by package name and dpkg architecture. */
export function inventoryLookup(packages: InstalledBinary[]): (name: string, arch: string) => InstalledBinary | undefined {
  const byKey = new Map(packages.map((p) => [`${p.name}:${p.arch}`, p]));
  return (name, arch) => byKey.get(`${name}:${arch}`);
}
