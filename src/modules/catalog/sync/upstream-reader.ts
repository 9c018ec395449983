import { FeedPageLocation, MalformedPageError, parseFeedPage } from './feed-item.validator';
import { PageFetcher, UpstreamError } from './page-fetcher';

export type UpstreamKind = 'feed' | 'patchgate';

export interface Upstream {
  kind: UpstreamKind;
  url: string;
  token: string | null;
}

/** One page, checked for shape (its items are not yet). */
export interface UpstreamPage {
  /** Where the page was read from, after redirects. */
  location: FeedPageLocation;
  items: unknown[];
  /** URL of the next page, or null when this was the last one. */
  next: string | null;
  /** A Patchgate upstream's position after this page (its `nextCursor`); null for a static feed. */
  cursor: string | null;
}

/**
 * Walks an upstream page by page. A position is the URL of a page: for a static feed the page
 * file, for a Patchgate upstream the catalog endpoint with its `since` cursor. A run stores the
 * position it reads next, so it can resume there.
 */
export interface UpstreamReader {
  /** The first page of a run; `cursor` is where the previous run left off (Patchgate upstreams). */
  firstPage(cursor: string | null): string;
  read(pageUrl: string, signal?: AbortSignal): Promise<UpstreamPage>;
  /** The upstream no longer accepts the cursor the run started from: the next run must start over. */
  rejectedCursor(error: unknown, pageUrl: string): boolean;
}

/** A static feed (`feed`): `nextCursor` is a URL reference relative to the page that holds it. */
export class StaticFeedReader implements UpstreamReader {
  constructor(
    private readonly upstream: Upstream,
    private readonly fetcher: PageFetcher,
  ) {}

  firstPage(): string {
    return this.upstream.url;
  }

  async read(pageUrl: string, signal?: AbortSignal): Promise<UpstreamPage> {
    const fetched = await this.fetcher.fetch(pageUrl, { token: this.upstream.token, signal });
    const page = parseFeedPage(fetched.body);
    const location = new FeedPageLocation(fetched.url);
    let next: string | null = null;
    if (page.nextCursor !== null) {
      let resolved: URL;
      try {
        resolved = new URL(page.nextCursor, location.url);
      } catch {
        throw new MalformedPageError(`page.nextCursor ${JSON.stringify(page.nextCursor)} cannot be resolved to a URL`);
      }
      const web = resolved.protocol === 'http:' || resolved.protocol === 'https:';
      // A feed read over the network must not send the server to its own files.
      if (!(web || (resolved.protocol === 'file:' && location.isFile))) {
        throw new MalformedPageError(`page.nextCursor ${JSON.stringify(page.nextCursor)} resolves to an unusable ${resolved.protocol} URL`);
      }
      resolved.hash = '';
      next = resolved.href;
    }
    return { location, items: page.items, next, cursor: null };
  }

  rejectedCursor(): boolean {
    return false;
  }
}

/** How many items a downstream asks a Patchgate upstream for per page (its maximum). */
export const PATCHGATE_PAGE_LIMIT = 500;

/** Another Patchgate server (`patchgate`): `GET …/upstream/v1/catalog?since&limit`, cursor opaque. */
export class PatchgateUpstreamReader implements UpstreamReader {
  constructor(
    private readonly upstream: Upstream,
    private readonly fetcher: PageFetcher,
  ) {}

  firstPage(cursor: string | null): string {
    const url = new URL(this.upstream.url);
    url.searchParams.delete('since');
    if (cursor !== null) url.searchParams.set('since', cursor);
    url.searchParams.set('limit', String(PATCHGATE_PAGE_LIMIT));
    return url.href;
  }

  async read(pageUrl: string, signal?: AbortSignal): Promise<UpstreamPage> {
    const fetched = await this.fetcher.fetch(pageUrl, { token: this.upstream.token, signal });
    const page = parseFeedPage(fetched.body);
    // Caught up: nothing was left. Keep the position the previous page gave.
    if (page.items.length === 0 && page.nextCursor === null) {
      return { location: new FeedPageLocation(fetched.url), items: [], next: null, cursor: null };
    }
    if (page.nextCursor === null) {
      throw new MalformedPageError('page has items but no nextCursor (a Patchgate upstream always gives the position after its last item)');
    }
    return {
      location: new FeedPageLocation(fetched.url),
      items: page.items,
      next: this.firstPage(page.nextCursor),
      cursor: page.nextCursor,
    };
  }

  rejectedCursor(error: unknown, pageUrl: string): boolean {
    return error instanceof UpstreamError && error.answer.status === 400 && new URL(pageUrl).searchParams.has('since');
  }
}

export function createUpstreamReader(upstream: Upstream, fetcher: PageFetcher): UpstreamReader {
  return upstream.kind === 'patchgate' ? new PatchgateUpstreamReader(upstream, fetcher) : new StaticFeedReader(upstream, fetcher);
}
