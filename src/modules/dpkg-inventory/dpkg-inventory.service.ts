import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InstalledBinary } from './apt-install-state';
import { DpkgInventoryRepository } from './dpkg-inventory.repository';

/**
 * The dpkg inventory of apt machines (docs/debian.md, "Reports"): what a check-in reports is
 * stored when it differs from what is stored, so a repeated report costs one indexed read.
 */
@Injectable()
export class DpkgInventoryService {
  constructor(private readonly inventories: DpkgInventoryRepository) {}

  /** True when the stored inventory changed. */
  async record(computerId: string, packages: InstalledBinary[]): Promise<boolean> {
    const sorted = [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0));
    const digest = createHash('sha256').update(sorted.map((p) => `${p.name}:${p.arch}=${p.version}`).join('\n')).digest('hex');
    if ((await this.inventories.findDigest(computerId)) === digest) return false;
    await this.inventories.replace(computerId, digest, sorted);
    return true;
  }

  packagesOf(computerId: string): Promise<InstalledBinary[]> {
    return this.inventories.findPackages(computerId);
  }
}
