import { HttpStatus, Injectable } from '@nestjs/common';
import { DomainError } from '../../../common/errors/domain-error';
import { decodeCursor, encodeCursor } from '../../../common/pagination/page';
import { UPSTREAM_PAGE_DEFAULT } from './dto/upstream-catalog.dto';
import { UpstreamCatalogRepository } from './upstream-catalog.repository';

/**
 * This server's catalog as an upstream feed (docs/upstream-feed.md, "Patchgate upstream"): every
 * stored revision in change order. Documents are served as stored, so their file URLs are the
 * absolute ones resolved when this server synced them.
 */
@Injectable()
export class UpstreamCatalogService {
  constructor(private readonly catalog: UpstreamCatalogRepository) {}

  /** One page as JSON text: the stored documents are copied through without parsing. */
  async page(since: string | undefined, limit = UPSTREAM_PAGE_DEFAULT): Promise<string> {
    const afterSeq = since === undefined ? '0' : this.positionOf(since);
    const rows = await this.catalog.findRevisionsChangedAfter(afterSeq, limit);
    // A cursor past anything this server handed out (its database was restored from a backup):
    // answering "caught up" would leave the downstream behind for good; refusing makes it start over.
    if (!rows.length && BigInt(afterSeq) > BigInt(await this.catalog.lastChangeSeq())) {
      throw new DomainError('invalid_cursor', HttpStatus.BAD_REQUEST, "since is ahead of this server's catalog (was it restored from a backup?)");
    }
    // A page with items always says where to continue; an empty one means caught up.
    const nextCursor = rows.length ? encodeCursor([rows[rows.length - 1].changeSeq]) : null;
    return `{"items":[${rows.map((r) => r.document).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }

  private positionOf(since: string): string {
    const [seq] = decodeCursor(since, 1) as unknown[];
    if (typeof seq !== 'string' || !/^\d{1,19}$/.test(seq)) {
      throw new DomainError('invalid_cursor', HttpStatus.BAD_REQUEST, 'since is not a cursor this server issued');
    }
    return seq;
  }
}
