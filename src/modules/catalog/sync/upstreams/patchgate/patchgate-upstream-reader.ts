import { FeedPageLocation, MalformedPageError, parseFeedPage, readFeedItem } from '../../feed-item.validator';
import { PageFetcher, UpstreamError } from '../../page-fetcher';
import { Upstream, UpstreamPage, UpstreamReader } from '../upstream-kind';

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
    const location = new FeedPageLocation(fetched.url);
    // Caught up: nothing was left. Keep the position the previous page gave.
    if (page.items.length === 0 && page.nextCursor === null) {
      return { location: fetched.url, items: [], next: null, cursor: null };
    }
    if (page.nextCursor === null) {
      throw new MalformedPageError('page has items but no nextCursor (a Patchgate upstream always gives the position after its last item)');
    }
    return {
      location: fetched.url,
      items: page.items.map((raw) => readFeedItem(raw, location)),
      next: this.firstPage(page.nextCursor),
      cursor: page.nextCursor,
    };
  }

  rejectedCursor(error: unknown, pageUrl: string): boolean {
    return error instanceof UpstreamError && error.answer.status === 400 && new URL(pageUrl).searchParams.has('since');
  }
}
