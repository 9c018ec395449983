import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DomainError } from '../../common/errors/domain-error';
import { OfferEngine } from '../offers/offer-engine.service';
import { ByteRange, parseByteRange } from '../content/byte-range';
import { ContentRepository } from '../content/content.repository';
import { CONTENT_STORAGE, ContentStorage } from '../content/storage/content-storage';

export type Delivery =
  | { kind: 'unsatisfiable'; size: number }
  | { kind: 'file'; size: number; range: ByteRange | null; open: () => Readable };

/**
 * Serves stored files to computers, each only the files of its current offer: a computer learns
 * nothing about files offered to others (the same 404 as for a file not stored). Downstream
 * servers get every stored file (each is a file of this server's catalog).
 */
/**
 * One answer whether the file is stored for others or not at all, so a computer learns nothing
 * about other computers' offers; it says what a computer can check: its own offer.
 */
export const notInOffer = (sha256: string) =>
  new DomainError('not_found', HttpStatus.NOT_FOUND, `file ${sha256} is not among the stored files of this computer's current offer`);

@Injectable()
export class ContentDeliveryService {
  constructor(
    private readonly offers: OfferEngine,
    @Inject(CONTENT_STORAGE) private readonly storage: ContentStorage,
    private readonly files: ContentRepository,
  ) {}

  /** `computerId` null: a downstream server, which may read any stored file. */
  async deliver(computerId: string | null, sha256: string, rangeHeader: string | undefined): Promise<Delivery> {
    const [offered, size] = await Promise.all([
      computerId === null ? this.files.isStored(sha256) : this.offers.offersFile(computerId, sha256),
      this.storage.size(sha256),
    ]);
    if (!offered || size === null) throw notInOffer(sha256);
    const range = parseByteRange(rangeHeader, size);
    if (range === 'unsatisfiable') return { kind: 'unsatisfiable', size };
    return { kind: 'file', size, range, open: () => this.storage.createReadStream(sha256, range ?? undefined) };
  }
}
