import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { SignedOffer } from '../../contracts/client-protocol';
import { DpkgInventoryService } from '../dpkg-inventory/dpkg-inventory.service';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { ComputerReport, OfferEngine } from '../offers/offer-engine.service';
import { SigningKeyService } from '../signing/signing-key.service';
import { answerLifetimeSeconds, nextCheckInSeconds } from './check-in-schedule';
import { CheckInDto, InventoryDto } from './dto/check-in.dto';
import { LastSeenRecorder } from './last-seen.recorder';

export type CheckInAnswer =
  | { kind: 'not-modified'; etag: string }
  | { kind: 'offer'; etag: string; body: Buffer; signature: string; keyId: string };

/**
 * The signed JSON check-in: an adapter over the offer engine (src/modules/offers/). The engine says
 * what the computer is offered and the version of that answer; this adds what the client protocol
 * needs: the ETag and its 304, the signed body (seq, nonce, expiry, next check-in) and its signature.
 * An unchanged check-in costs one Redis round trip (the engine's) and no SQL.
 */
@Injectable()
export class CheckInService {
  constructor(
    private readonly engine: OfferEngine,
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
    const report: ComputerReport = { installed: request.installed, facts: request.inventory && factsOf(request.inventory) };
    const offer = await this.engine.offerFor(computerId, report);
    if (!offer) throw new UnauthorizedException({ code: 'computer_revoked', message: 'this computer is not registered' });
    const etag = `"${offer.version.tag}"`;
    if (ifNoneMatch !== undefined && ifNoneMatch === etag) return { kind: 'not-modified', etag };

    const { updatesJson, checkInSeconds } = await offer.resolve({ baseUrl });
    const issuedAt = new Date();
    const head: Omit<SignedOffer, 'updates'> = {
      computerId,
      issuedAt: issuedAt.toISOString(),
      expires: new Date(issuedAt.getTime() + answerLifetimeSeconds(checkInSeconds) * 1000).toISOString(),
      seq: await this.versions.nextSequence(computerId),
      nonce: request.nonce ?? null,
      nextCheckInSeconds: nextCheckInSeconds(computerId, checkInSeconds),
    };
    // JSON.stringify of the whole SignedOffer, updates last, with the updates' JSON the engine made
    // once for every computer given the same answer.
    const headJson = JSON.stringify(head);
    const bytes = Buffer.from(`${headJson.slice(0, -1)},"updates":${updatesJson}}`);
    const { signature, keyId } = this.signing.sign(bytes);
    return { kind: 'offer', etag, body: bytes, signature, keyId };
  }
}

/** The inventory as the engine's computer facts (only those the agent sent). */
function factsOf(inventory: InventoryDto): ComputerReport['facts'] {
  return {
    hostname: inventory.hostname,
    osFamily: inventory.os?.family,
    osVersion: inventory.os?.version,
    arch: inventory.arch,
    agentVersion: inventory.agentVersion,
  };
}
