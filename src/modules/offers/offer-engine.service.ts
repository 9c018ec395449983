import { hash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { InstalledUpdate, OfferedUpdate } from '../../contracts/client-protocol';
import { GroupVersionParts, OfferVersionParts, OfferVersionsService } from '../offer-versions/offer-versions.service';
import { ComputerContextCache } from './computer-context.cache';
import { GroupOffer, GroupOfferCache } from './group-offer.cache';
import { ComputerContext, ComputerFactsRecord, OffersRepository } from './offers.repository';

/**
 * The version of one computer's offer: its named parts, and digests of them that change exactly
 * when the answer does.
 */
export interface OfferVersion {
  parts: OfferVersionParts;
  /** Changes exactly when this computer's answer may (its parts, and the installed list it reported). */
  tag: string;
  /** Changes exactly when the group path's shared offer may (GroupOfferVersion.tag of its group path). */
  readonly groupTag: string;
}

/** The version of what every computer of one group path shares. */
export interface GroupOfferVersion {
  parts: GroupVersionParts;
  /** Changes exactly when the group path's shared offer may: a key for per-group caches and publications. */
  tag: string;
}

/** A computer's offer as it stands: who the computer is, the version, and the offer on demand. */
export interface ComputerOffer {
  computer: ComputerContext;
  version: OfferVersion;
  /**
   * The updates it may install or must uninstall, prerequisites first, and its check-in interval.
   * Computed only when asked (an unchanged check-in never needs it). `baseUrl`: where the computer
   * reaches this server, for the URLs of stored files in a storing content mode.
   */
  resolve(options?: { baseUrl?: string }): Promise<ResolvedOffer>;
}

export interface ResolvedOffer {
  /** shared with other computers that get the same answer: read-only */
  updates: OfferedUpdate[];
  /** `updates` as JSON, made once per distinct answer */
  updatesJson: string;
  checkInSeconds: number;
}

/** What a client protocol tells the engine about the computer on this request. */
export interface ComputerReport {
  /** Updates the computer says are on the machine now, beyond what the server recorded. */
  installed?: readonly InstalledUpdate[];
  /** Facts about the machine; a changed fact is recorded (and changes the version) before the offer is made. */
  facts?: Partial<ComputerFactsRecord>;
}

/** The digest of an empty installed list, as every check-in that reports none would compute it. */
const NOTHING_REPORTED = hash('sha256', '', 'hex');

const FACT_NAMES: readonly (keyof ComputerFactsRecord)[] = ['hostname', 'osFamily', 'osVersion', 'arch', 'agentVersion'];

/**
 * The offer engine: the one place that decides what a computer is offered (docs/architecture.md).
 * Protocol-neutral: the signed JSON check-in (src/modules/check-in/) and the content store's
 * downloads (src/modules/content/) are adapters over it, and so will be other client protocols.
 *
 * An offer = the effective approvals of the computer's group path × applicability to its facts ×
 * supersedence × what it has installed, prerequisites first (src/modules/offers/offer-builder.ts).
 * The approval side is shared by every computer of a group path (GroupOfferCache, in memory, keyed
 * by the group version); the computer's side comes from a versioned Redis cache (ComputerContextCache).
 * An unchanged computer costs one Redis round trip and no SQL to learn its version.
 */
@Injectable()
export class OfferEngine {
  constructor(
    private readonly offers: OffersRepository,
    private readonly contexts: ComputerContextCache,
    private readonly groupOffers: GroupOfferCache,
    private readonly versions: OfferVersionsService,
  ) {}

  /** The computer's offer, or null when it is not registered (or revoked). */
  async offerFor(computerId: string, report: ComputerReport = {}): Promise<ComputerOffer | null> {
    const reported = (report.installed ?? []).map((u) => `${u.updateId.toLowerCase()}@${u.revision}`).sort();
    const installedDigest = reported.length ? hash('sha256', reported.join(','), 'hex') : NOTHING_REPORTED;
    const cached = await this.versions.cachedContextWithParts(computerId, ComputerContextCache.parse);
    if (cached) {
      const computer = cached.context;
      if (!report.facts || factsMatch(computer, report.facts)) return this.offerOf(computer, cached.parts, installedDigest, report);
    }
    let computer = await this.contexts.get(computerId);
    if (!computer) return null;
    if (report.facts && !factsMatch(computer, report.facts)) {
      await this.offers.updateFacts(computerId, factsWith(computer, report.facts));
      await this.versions.bumpComputers([computerId]);
      computer = await this.contexts.get(computerId);
      if (!computer) return null;
    }
    const parts = await this.versions.partsOf(computerId, computer.groupPath);
    return this.offerOf(computer, parts, installedDigest, report);
  }

  /** The current version of a computer's offer, for the installed list the server recorded. */
  async versionOf(computerId: string): Promise<OfferVersion | null> {
    return (await this.offerFor(computerId))?.version ?? null;
  }

  /** The version of a group path's shared offer (root first): one Redis round trip. */
  async groupVersionOf(groupPath: string[]): Promise<GroupOfferVersion> {
    const parts = await this.versions.groupPartsOf(groupPath);
    return { parts, tag: groupTag(parts, groupPath) };
  }

  /**
   * The approval side every computer of a group path shares: approved installs and uninstalls (before
   * applicability and installed state), the check-in interval and the content mode.
   */
  async groupOffer(groupPath: string[]): Promise<GroupOffer & { version: GroupOfferVersion }> {
    const version = await this.groupVersionOf(groupPath);
    return { ...(await this.groupOffers.get(version.tag, groupPath)), version };
  }

  /**
   * Whether the computer's current offer has it install a file (by SHA-256): the same computation as
   * its offer, for the installed list the server last recorded. No SQL once the caches are warm.
   */
  async offersFile(computerId: string, sha256: string): Promise<boolean> {
    const offer = await this.offerFor(computerId);
    if (!offer) return false;
    const { updates } = await offer.resolve();
    return updates.some((u) => u.action === 'install' && u.files.some((f) => f.sha256 === sha256));
  }

  private offerOf(computer: ComputerContext, parts: OfferVersionParts, installedDigest: string, report: ComputerReport): ComputerOffer {
    const version = offerVersion(computer, parts, installedDigest);
    return {
      computer,
      version,
      resolve: async ({ baseUrl } = {}) => {
        const shared = await this.groupOffers.get(version.groupTag, computer.groupPath);
        const installed = new Map(computer.installed);
        for (const u of report.installed ?? []) {
          const id = u.updateId.toLowerCase();
          installed.set(id, Math.max(installed.get(id) ?? 0, u.revision));
        }
        const built = shared.offerFor(baseUrl, { osFamily: computer.osFamily, osVersion: computer.osVersion, arch: computer.arch, installed });
        return { updates: built.updates, updatesJson: built.json, checkInSeconds: shared.checkInSeconds };
      },
    };
  }
}

/** The parts in one fixed order, named here and nowhere else. */
function offerVersion(computer: ComputerContext, parts: OfferVersionParts, installedDigest: string): OfferVersion {
  const { catalog, tree, settings, computer: own, groups } = parts;
  const tag = hash('sha256', `${computer.computerId}${[catalog, tree, settings, own, ...groups].join('|')}${installedDigest}`, 'base64url');
  return {
    parts,
    tag: tag.slice(0, 27),
    // Only a changed offer needs it: an unchanged check-in never computes it.
    get groupTag() {
      return groupTag(parts, computer.groupPath);
    },
  };
}

/** Everything but the computer's own version, and the path itself (two paths may share versions). */
function groupTag({ catalog, tree, settings, groups }: GroupVersionParts, groupPath: string[]): string {
  return hash('sha256', [catalog, tree, settings, ...groups, ...groupPath].join('|'), 'base64url');
}

function factsWith(computer: ComputerContext, facts: Partial<ComputerFactsRecord>): ComputerFactsRecord {
  const merged = {} as ComputerFactsRecord;
  for (const name of FACT_NAMES) merged[name] = facts[name] ?? computer[name];
  return merged;
}

function factsMatch(computer: ComputerContext, facts: Partial<ComputerFactsRecord>): boolean {
  return FACT_NAMES.every((name) => facts[name] === undefined || facts[name] === computer[name]);
}
