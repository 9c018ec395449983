import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { APT_APPROVED_UPDATES, AptApprovedUpdates } from './apt-approved-updates';
import { aptInstallState, InstalledBinary, inventoryLookup } from './apt-install-state';
import { DpkgInventoryRepository } from './dpkg-inventory.repository';

/**
 * The dpkg inventory of apt machines (docs/debian.md, "Reports"): what a check-in reports is
 * stored when it differs from what is stored, so a repeated report costs one indexed read.
 */
@Injectable()
export class DpkgInventoryService {
  constructor(
    private readonly inventories: DpkgInventoryRepository,
    @Optional() @Inject(APT_APPROVED_UPDATES) private readonly approved?: AptApprovedUpdates,
  ) {}

  /** True when the stored inventory changed (and the computer's APT install states were derived again). */
  async record(computerId: string, packages: InstalledBinary[]): Promise<boolean> {
    const sorted = [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0));
    const digest = createHash('sha256').update(sorted.map((p) => `${p.name}:${p.arch}=${p.version}`).join('\n')).digest('hex');
    if ((await this.inventories.findDigest(computerId)) === digest) return false;
    await this.inventories.replace(computerId, digest, sorted);
    await this.deriveStates(computerId, sorted);
    return true;
  }

  /**
   * The install state of every APT update approved for the computer's group, from what dpkg has
   * installed (apt-install-state.ts): what reports show for apt machines.
   */
  async deriveStates(computerId: string, packages?: InstalledBinary[]): Promise<void> {
    const approved = await this.approved?.forComputer(computerId);
    if (!approved || approved.updates.length === 0) return;
    const lookup = inventoryLookup(packages ?? (await this.inventories.findPackages(computerId)));
    const states = approved.updates.map((u) => ({ updateId: u.updateId, revision: u.revision, state: aptInstallState(u.binaries, lookup, approved.arch) }));
    await this.inventories.writeDerivedStates(computerId, states);
  }

  packagesOf(computerId: string): Promise<InstalledBinary[]> {
    return this.inventories.findPackages(computerId);
  }
}
