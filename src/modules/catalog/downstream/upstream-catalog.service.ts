import { HttpStatus, Injectable } from '@nestjs/common';
import { DomainError } from '../../../common/errors/domain-error';
import { decodeCursor, encodeCursor } from '../../../common/pagination/page';
import { contentFileUrl } from '../../content/content-mode';
import { UPSTREAM_PAGE_DEFAULT } from './dto/upstream-catalog.dto';
import { UpstreamCatalogRepository } from './upstream-catalog.repository';

/** The part of a stored revision document the file URLs live in. */
interface DocumentFiles {
  files?: { sha256?: unknown; url?: unknown }[];
}

/**
 * This server's catalog as an upstream feed (docs/upstream-feed.md, "Patchgate upstream"): every
 * stored revision in change order. Documents are served as stored (their file URLs the absolute
 * ones resolved when this server synced them), except the URLs of files a downstream should take
 * from this server: files it stores, and files only it can reach (`file:` URLs of a local feed).
 * Those point at its own content route (`<baseUrl>/content/v1/files/<sha256>`), which answers a
 * downstream token, as a WSUS downstream server takes its files from its upstream.
 */
@Injectable()
export class UpstreamCatalogService {
  constructor(private readonly catalog: UpstreamCatalogRepository) {}

  /** One page as JSON text: the stored documents are copied through without parsing. */
  async page(since: string | undefined, limit = UPSTREAM_PAGE_DEFAULT, baseUrl = ''): Promise<string> {
    const afterSeq = since === undefined ? '0' : this.positionOf(since);
    const rows = await this.catalog.findRevisionsChangedAfter(afterSeq, limit);
    // A cursor past anything this server handed out (its database was restored from a backup):
    // answering "caught up" would leave the downstream behind for good; refusing makes it start over.
    if (!rows.length && BigInt(afterSeq) > BigInt(await this.catalog.lastChangeSeq())) {
      throw new DomainError('invalid_cursor', HttpStatus.BAD_REQUEST, "since is ahead of this server's catalog (was it restored from a backup?)");
    }
    // A page with items always says where to continue; an empty one means caught up.
    const nextCursor = rows.length ? encodeCursor([rows[rows.length - 1].changeSeq]) : null;
    const documents = await this.withOwnFileUrls(rows.map((r) => r.document), baseUrl);
    return `{"items":[${documents.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }

  /** Rewrites the file URLs described above; a document with none to rewrite is passed through as it is. */
  private async withOwnFileUrls(documents: string[], baseUrl: string): Promise<string[]> {
    const parsed = documents.map((text) => JSON.parse(text) as DocumentFiles);
    const sha256s = parsed.flatMap((d) => (d.files ?? []).map((f) => (typeof f.sha256 === 'string' ? f.sha256 : ''))).filter(Boolean);
    const stored = await this.catalog.findStoredFiles(sha256s);
    return parsed.map((document, i) => {
      let changed = false;
      for (const file of document.files ?? []) {
        if (typeof file.sha256 !== 'string' || typeof file.url !== 'string') continue;
        if (stored.has(file.sha256.toLowerCase()) || file.url.startsWith('file:')) {
          file.url = contentFileUrl(baseUrl, file.sha256);
          changed = true;
        }
      }
      return changed ? JSON.stringify(document) : documents[i];
    });
  }

  private positionOf(since: string): string {
    const [seq] = decodeCursor(since, 1) as unknown[];
    if (typeof seq !== 'string' || !/^\d{1,19}$/.test(seq)) {
      throw new DomainError('invalid_cursor', HttpStatus.BAD_REQUEST, 'since is not a cursor this server issued');
    }
    return seq;
  }
}
