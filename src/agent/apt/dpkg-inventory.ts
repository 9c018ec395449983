import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstalledPackage {
  name: string;
  version: string;
  arch: string;
}

export interface DpkgInventory {
  packages: InstalledPackage[];
  /** sha256 over the sorted list: the agent sends the list only when this changed */
  digest: string;
}

/** What the server accepts in one check-in (src/modules/check-in/dto/check-in.dto.ts). */
export const MAX_INVENTORY_PACKAGES = 20_000;
/** The check-in body limit is 256 KiB; the inventory must leave room for the rest of the check-in. */
export const MAX_INVENTORY_JSON_BYTES = 224 * 1024;

/** The packages to send, or null when the list is larger than a check-in may carry (about 3,500 packages). */
export function sendableInventory(inventory: DpkgInventory): InstalledPackage[] | null {
  return Buffer.byteLength(JSON.stringify(inventory.packages)) <= MAX_INVENTORY_JSON_BYTES ? inventory.packages : null;
}

/**
 * The binary packages dpkg has installed under `root`, read from `var/lib/dpkg/status` (what
 * `dpkg-query -W` reads): stanzas whose Status is `install ok installed` (also `hold ok installed`).
 * Null when the machine has no dpkg database (not a Debian/Ubuntu machine).
 */
export function readDpkgInventory(root: string): DpkgInventory | null {
  const statusFile = join(root, 'var/lib/dpkg/status');
  if (!existsSync(statusFile)) return null;
  const packages: InstalledPackage[] = [];
  for (const stanza of readFileSync(statusFile, 'utf8').split(/\n{2,}/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z][A-Za-z0-9-]{0,63}):[ \t]*(.{0,512})$/.exec(line.slice(0, 600));
      if (match) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    const status = fields.get('status')?.split(/\s+/);
    if (!status || status[2] !== 'installed') continue;
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !version) continue;
    packages.push({ name, version, arch: fields.get('architecture') ?? 'all' });
  }
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0));
  const listed = packages.slice(0, MAX_INVENTORY_PACKAGES);
  const digest = createHash('sha256').update(listed.map((p) => `${p.name}:${p.arch}=${p.version}`).join('\n')).digest('hex');
  return { packages: listed, digest };
}
