import { FeedPageLocation, MalformedPageError, parseFeedPage, readFeedItem } from '../../feed-item.validator';
import { PageFetcher } from '../../page-fetcher';
import { Upstream, UpstreamPage, UpstreamReader } from '../upstream-kind';

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
    return { location: fetched.url, items: page.items.map((raw) => readFeedItem(raw, location)), next, cursor: null };
  }

  rejectedCursor(): boolean {
    return false;
  }
}
