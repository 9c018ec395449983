import { hash } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { DpkgInventoryService } from '../dpkg-inventory/dpkg-inventory.service';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { SigningKeyService } from '../signing/signing-key.service';
import { answerLifetimeSeconds, nextCheckInSeconds } from './check-in-schedule';
import { ApprovedUpdate, CheckInRepository, ComputerContext } from './check-in.repository';
import { ComputerContextCache } from './computer-context.cache';
import { GroupOfferCache } from './group-offer.cache';
import { CheckInDto, InventoryDto } from './dto/check-in.dto';
import { LastSeenRecorder } from './last-seen.recorder';
import { buildOffer, OfferedUpdate } from './offer-builder';

export type CheckInAnswer =
  | { kind: 'not-modified'; etag: string }
  | { kind: 'offer'; etag: string; body: Buffer; signature: string; keyId: string };

/** The signed body of a check-in answer (DESIGN.md §3). */
export interface OfferBody {
  computerId: string;
  issuedAt: string;
  expires: string;
  seq: number;
  nonce: string | null;
  nextCheckInSeconds: number;
  updates: OfferedUpdate[];
}

/** The digest of an empty installed list, as every check-in that reports none would compute it. */
const NOTHING_REPORTED = hash('sha256', '', 'hex');

/**
 * The hot path. An unchanged check-in costs Redis round trips only: the computer's context (group
 * path, OS, installed updates) comes from a versioned cache and the ETag from the versions of
 * everything the offer depends on. A changed offer is computed from the group path's approved
 * updates, shared in memory by every computer of the group, and the computer's own context; SQL runs
 * only when one of those two is not cached yet.
 */
@Injectable()
export class CheckInService {
  constructor(
    private readonly checkIns: CheckInRepository,
    private readonly contexts: ComputerContextCache,
    private readonly groupOffers: GroupOfferCache,
    private readonly versions: OfferVersionsService,
    private readonly signing: SigningKeyService,
    private readonly lastSeen: LastSeenRecorder,
    private readonly dpkgInventory: DpkgInventoryService,
  ) {}

  /** `baseUrl`: where computers reach this server, for the URLs of stored files (storing content modes). */
  async checkIn(computerId: string, request: CheckInDto, ifNoneMatch: string | undefined, baseUrl: string): Promise<CheckInAnswer> {
    this.lastSeen.note(computerId);
    // apt machines send their dpkg inventory only when it changed (docs/debian.md, "Reports").
    if (request.inventory?.packages) await this.dpkgInventory.record(computerId, request.inventory.packages);
    const reported = (request.installed ?? []).map((u) => `${u.updateId.toLowerCase()}@${u.revision}`).sort();
    const extra = () => [reported.length ? hash('sha256', reported.join(','), 'hex') : NOTHING_REPORTED];
    let state = await this.versions.offerState<ComputerContext>(computerId, this.versions.contextKey(computerId), extra);
    if (!state || (request.inventory && !inventoryMatches(state.context, request.inventory))) {
      state = await this.loadState(computerId, request.inventory, extra);
    }
    const { context } = state;
    const { etag } = state.version;
    if (ifNoneMatch !== undefined && ifNoneMatch === etag) return { kind: 'not-modified', etag };

    const shared = await this.groupOffers.get(state.version.sharedKey, context.groupPath);
    const updates = this.computeOffer(context, request, shared.offeredVia(baseUrl));
    const interval = shared.checkInSeconds;
    const issuedAt = new Date();
    const body: OfferBody = {
      computerId,
      issuedAt: issuedAt.toISOString(),
      expires: new Date(issuedAt.getTime() + answerLifetimeSeconds(interval) * 1000).toISOString(),
      seq: await this.versions.nextSequence(computerId),
      nonce: request.nonce ?? null,
      nextCheckInSeconds: nextCheckInSeconds(computerId, interval),
      updates,
    };
    const bytes = Buffer.from(JSON.stringify(body));
    const { signature, keyId } = this.signing.sign(bytes);
    return { kind: 'offer', etag, body: bytes, signature, keyId };
  }

  /**
   * Whether the computer's current offer includes a file: the check-in's own computation, from the
   * same caches (its context and its group path's shared part), so a download costs no SQL once
   * those are warm. The installed list is what the server last recorded for the computer.
   */
  async offersFile(computerId: string, sha256: string): Promise<boolean> {
    const context = await this.contexts.get(computerId);
    if (!context) return false;
    const { sharedKey } = await this.versions.versionOf({ computerId, groupPath: context.groupPath });
    const shared = await this.groupOffers.get(sharedKey, context.groupPath);
    return this.computeOffer(context, {}, shared.approved).some((u) => u.action === 'install' && u.files.some((f) => f.sha256 === sha256));
  }

  private computeOffer(context: ComputerContext, request: CheckInDto, candidates: ApprovedUpdate[]): OfferedUpdate[] {
    const installed = new Map(context.installed);
    for (const reported of request.installed ?? []) {
      const id = reported.updateId.toLowerCase();
      installed.set(id, Math.max(installed.get(id) ?? 0, reported.revision));
    }
    return buildOffer(candidates, { osFamily: context.osFamily, osVersion: context.osVersion, arch: context.arch, installed });
  }

  /** The slow path: context from PostgreSQL (recording a changed inventory first), then the versions. */
  private async loadState(computerId: string, inventory: InventoryDto | undefined, extra: () => string[]) {
    let context = await this.contexts.get(computerId);
    if (!context) throw new UnauthorizedException({ code: 'computer_revoked', message: 'this computer is not registered' });
    if (inventory && !inventoryMatches(context, inventory)) {
      await this.checkIns.updateInventory(computerId, factsWith(context, inventory));
      await this.versions.bumpComputers([computerId]);
      context = (await this.contexts.get(computerId))!;
    }
    return { context, version: await this.versions.versionOf({ computerId, groupPath: context.groupPath, extra: extra() }) };
  }
}

function factsWith(context: ComputerContext, inventory: InventoryDto) {
  return {
    hostname: inventory.hostname ?? context.hostname,
    osFamily: inventory.os?.family ?? context.osFamily,
    osVersion: inventory.os?.version ?? context.osVersion,
    arch: inventory.arch ?? context.arch,
    agentVersion: inventory.agentVersion ?? context.agentVersion,
  };
}

function inventoryMatches(context: ComputerContext, inventory: InventoryDto): boolean {
  const facts = factsWith(context, inventory);
  return (Object.keys(facts) as (keyof typeof facts)[]).every((key) => facts[key] === context[key]);
}
