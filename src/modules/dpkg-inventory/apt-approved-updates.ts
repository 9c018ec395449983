import { UpdateBinary } from './apt-install-state';

/** An APT update approved for install for a computer's group, with the binaries of its current revision. */
export interface ApprovedAptUpdate {
  updateId: string;
  revision: number;
  binaries: UpdateBinary[];
}

/**
 * The APT updates a computer's group path approves for install, for its release (a port: the APT
 * repositories implement it over the offer engine and the apt catalog, so reports and apt see
 * the same approvals). Null when the computer is unknown or not an APT machine of a synced release.
 */
export interface AptApprovedUpdates {
  forComputer(computerId: string): Promise<{ arch: string; updates: ApprovedAptUpdate[] } | null>;
}

export const APT_APPROVED_UPDATES = Symbol('APT_APPROVED_UPDATES');
