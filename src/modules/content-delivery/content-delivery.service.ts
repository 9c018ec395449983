import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { NotFoundError } from '../../common/errors/domain-error';
import { OfferEngine } from '../offers/offer-engine.service';
import { ByteRange, parseByteRange } from '../content/byte-range';
import { CONTENT_STORAGE, ContentStorage } from '../content/storage/content-storage';

export type Delivery =
  | { kind: 'unsatisfiable'; size: number }
  | { kind: 'file'; size: number; range: ByteRange | null; open: () => Readable };

/**
 * Serves stored files to computers, each only the files of its current offer: a computer learns
 * nothing about files offered to others (the same 404 as for a file not stored).
 */
@Injectable()
export class ContentDeliveryService {
  constructor(
    private readonly offers: OfferEngine,
    @Inject(CONTENT_STORAGE) private readonly storage: ContentStorage,
  ) {}

  async deliver(computerId: string, sha256: string, rangeHeader: string | undefined): Promise<Delivery> {
    const [offered, size] = await Promise.all([this.offers.offersFile(computerId, sha256), this.storage.size(sha256)]);
    if (!offered || size === null) throw new NotFoundError('file', sha256);
    const range = parseByteRange(rangeHeader, size);
    if (range === 'unsatisfiable') return { kind: 'unsatisfiable', size };
    return { kind: 'file', size, range, open: () => this.storage.createReadStream(sha256, range ?? undefined) };
  }
}
