import { Injectable } from '@nestjs/common';
import { AptApprovedUpdates, ApprovedAptUpdate } from '../../dpkg-inventory/apt-approved-updates';
import { OfferEngine } from '../../offers/offer-engine.service';
import { OfferAptViewResolver } from './offer-apt-view.resolver';

/**
 * The approved APT updates of a computer's group for its release, for the dpkg inventory's
 * install states (src/modules/dpkg-inventory/): what the computer's `-approved` suite lists.
 * Bound to the inventory's port in src/wiring/.
 */
@Injectable()
export class AptApprovedUpdatesAdapter implements AptApprovedUpdates {
  constructor(
    private readonly engine: OfferEngine,
    private readonly views: OfferAptViewResolver,
  ) {}

  async forComputer(computerId: string): Promise<{ arch: string; updates: ApprovedAptUpdate[] } | null> {
    const offer = await this.engine.offerFor(computerId);
    if (!offer) return null;
    const { computer, version } = offer;
    const release = await this.views.releaseOf(computer.osFamily, computer.osVersion, version.parts.catalog);
    if (!release) return null;
    const byUpdate = new Map<string, ApprovedAptUpdate>();
    const { approved } = await this.engine.groupOffer(computer.groupPath);
    const revisions = new Map(approved.map((u) => [u.updateId, u.revision]));
    for (const binary of await this.views.approvedBinaries(computer.groupPath, release.releaseKey)) {
      let update = byUpdate.get(binary.updateId);
      if (!update) byUpdate.set(binary.updateId, (update = { updateId: binary.updateId, revision: revisions.get(binary.updateId) ?? 1, binaries: [] }));
      update.binaries.push({ package: binary.package, architecture: binary.architecture, version: binary.version });
    }
    return { arch: computer.arch, updates: [...byUpdate.values()] };
  }
}
