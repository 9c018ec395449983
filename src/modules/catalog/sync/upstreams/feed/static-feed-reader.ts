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
    // The token goes only to the configured origin (a resumed run's page URL included).
    const onOrigin = new URL(pageUrl).origin === new URL(this.upstream.url).origin;
    const fetched = await this.fetcher.fetch(pageUrl, { token: onOrigin ? this.upstream.token : null, signal });
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
      // Paging stays on the configured origin (scheme, host and port; for file: URLs, local files):
      // every page request carries the upstream token, and a page must not send it, or the server,
      // anywhere else.
      const configured = new URL(this.upstream.url);
      const sameOrigin = configured.protocol === 'file:' ? resolved.protocol === 'file:' : resolved.origin === configured.origin;
      if (!sameOrigin) {
        throw new MalformedPageError(
          `page.nextCursor ${JSON.stringify(page.nextCursor.slice(0, 200))} leaves the configured origin ${configured.protocol === 'file:' ? 'file://' : configured.origin}: refused`,
        );
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
