import { Injectable } from '@nestjs/common';
import type { OfferedUpdate } from '../../contracts/client-protocol';
import { ContentMode, contentFileUrl, isStoringMode } from '../content/content-mode';
import { ContentService } from '../content/content.service';
import { SettingsService } from '../settings/settings.service';
import { buildOffer, ComputerFacts } from './offer-builder';
import { ApprovedUpdate, OffersRepository } from './offers.repository';

/** The part of an offer every computer of a group path shares, for one set of versions. */
export interface GroupOffer {
  approved: ApprovedUpdate[];
  /** the settings version is part of the key, so the interval (and the content mode) is cached with the rest */
  checkInSeconds: number;
  /** in a storing mode, `approved` holds only installs whose files are all stored */
  contentMode: ContentMode;
  /**
   * `approved` as offered to computers that reach this server at `baseUrl`: in a storing mode the
   * installs' files point at the content store. Made once per base URL and shared by the group.
   */
  offeredVia(baseUrl: string): ApprovedUpdate[];
  /**
   * The offer for a computer's facts (src/modules/offers/offer-builder.ts), with its JSON, made once
   * per distinct answer and shared: computers of the group with the same platform and the same
   * installed revisions of the approved updates get the same (read-only) list and the same JSON.
   */
  offerFor(baseUrl: string | undefined, computer: ComputerFacts): BuiltOffer;
}

export interface BuiltOffer {
  updates: OfferedUpdate[];
  /** JSON.stringify(updates), made once */
  json: string;
}

/** Group paths × versions kept; a fleet has a few hundred groups, each with one live entry. */
const MAX_ENTRIES = 2000;

/**
 * The approval side of offers, per group path and versions, in this process's memory. Every
 * computer of a group shares it, so after an approval change the whole fleet's new offers cost one
 * query per group, not one per computer. Concurrent misses for one key wait for the same query.
 * Entries are keyed by versions, never invalidated: a change makes a new key, and old keys age out.
 */
@Injectable()
export class GroupOfferCache {
  private readonly entries = new Map<string, Promise<GroupOffer>>();

  constructor(
    private readonly offers: OffersRepository,
    private readonly settings: SettingsService,
    private readonly content: ContentService,
  ) {}

  /** `sharedKey`: the group path's version (OfferEngine's group tag), so a change makes a new entry. */
  get(sharedKey: string, groupPath: string[]): Promise<GroupOffer> {
    const cached = this.entries.get(sharedKey);
    if (cached) {
      // Map order is insertion order: re-inserting marks the entry recently used.
      this.entries.delete(sharedKey);
      this.entries.set(sharedKey, cached);
      return cached;
    }
    const loading = this.content.mode().then(async (contentMode) => {
      const [approved, checkInSeconds] = await Promise.all([
        this.offers.findApprovedUpdates(groupPath, isStoringMode(contentMode)),
        this.settings.checkInIntervalSeconds(),
      ]);
      const via = offeredVia(approved, contentMode);
      return { approved, checkInSeconds, contentMode, offeredVia: via, offerFor: builtOffers(approved, via) };
    });
    this.entries.set(sharedKey, loading);
    loading.catch(() => this.entries.delete(sharedKey));
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }
}

/** Distinct offers remembered per entry: a group's computers share a few platforms and patch levels. */
const MAX_BUILT_OFFERS = 256;

/**
 * Offers per base URL, platform and installed revisions of the candidates (all the builder reads),
 * in insertion order; once full, new distinct offers are built each time but not kept.
 */
export function builtOffers(approved: ApprovedUpdate[], via: (baseUrl: string) => ApprovedUpdate[]): GroupOffer['offerFor'] {
  const built = new Map<string, BuiltOffer>();
  return (baseUrl, computer) => {
    let key = `${baseUrl ?? ''}\n${computer.osFamily}\n${computer.osVersion}\n${computer.arch}\n`;
    for (const candidate of approved) key += `${computer.installed.get(candidate.updateId) ?? ''},`;
    let offer = built.get(key);
    if (!offer) {
      const updates = buildOffer(baseUrl === undefined ? approved : via(baseUrl), computer);
      offer = { updates, json: JSON.stringify(updates) };
      if (built.size < MAX_BUILT_OFFERS) built.set(key, offer);
    }
    return offer;
  };
}

/** Base URLs remembered per entry: the Host header is the caller's to choose, so the memo stays bounded. */
const MAX_BASE_URLS = 8;

/** ApprovedUpdate lists with stored-file URLs, per base URL (a server is reached by a few host names). */
function offeredVia(approved: ApprovedUpdate[], mode: ContentMode): (baseUrl: string) => ApprovedUpdate[] {
  if (!isStoringMode(mode)) return () => approved;
  const byBaseUrl = new Map<string, ApprovedUpdate[]>();
  return (baseUrl) => {
    let rewritten = byBaseUrl.get(baseUrl);
    if (!rewritten) {
      rewritten = approved.map((u) => (u.action === 'install' ? { ...u, files: u.files.map((f) => ({ ...f, url: contentFileUrl(baseUrl, f.sha256) })) } : u));
      if (byBaseUrl.size < MAX_BASE_URLS) byBaseUrl.set(baseUrl, rewritten);
    }
    return rewritten;
  };
}
