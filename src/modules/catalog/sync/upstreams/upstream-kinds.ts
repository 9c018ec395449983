import { OutboundPolicy } from '../../../../infra/http/outbound-policy';
import { Inject, Injectable, Provider, Type } from '@nestjs/common';
import { AppConfig } from '../../../../infra/config/app-config';
import { PageFetcher } from '../page-fetcher';
import { AptCatalogRepository } from './apt/apt-catalog.repository';
import { AptUpstream, AptUpstreamConfigDto } from './apt/apt-upstream';
import { FeedUpstream, FeedUpstreamConfigDto } from './feed/feed-upstream';
import { PatchgateUpstream, PatchgateUpstreamConfigDto } from './patchgate/patchgate-upstream';
import { UpstreamConfigInput, UpstreamKind, UpstreamKindHandler } from './upstream-kind';

export interface UpstreamKindRegistration {
  kind: UpstreamKind;
  handler: Type<UpstreamKindHandler>;
  configDto: Type<UpstreamConfigInput>;
  /** Providers the kind's handler needs besides the shared ones (PageFetcher, DataSource, AppConfig). */
  providers?: Provider[];
}

/**
 * Every upstream kind, one registration each. Adding a kind: a folder under `upstreams/` with its
 * handler and config DTO, and one line here; no migration.
 */
export const UPSTREAM_KINDS: UpstreamKindRegistration[] = [
  { kind: 'feed', handler: FeedUpstream, configDto: FeedUpstreamConfigDto },
  { kind: 'patchgate', handler: PatchgateUpstream, configDto: PatchgateUpstreamConfigDto },
  { kind: 'apt', handler: AptUpstream, configDto: AptUpstreamConfigDto, providers: [AptCatalogRepository] },
];

export const UPSTREAM_KIND_HANDLERS = Symbol('UPSTREAM_KIND_HANDLERS');

/** Finds the handler of a kind. Built from the registrations above; refuses two handlers of one kind. */
@Injectable()
export class UpstreamKindRegistry {
  private readonly byKind = new Map<UpstreamKind, UpstreamKindHandler>();

  constructor(@Inject(UPSTREAM_KIND_HANDLERS) handlers: UpstreamKindHandler[]) {
    for (const handler of handlers) {
      if (this.byKind.has(handler.kind)) throw new Error(`upstream kind ${handler.kind} is registered twice`);
      this.byKind.set(handler.kind, handler);
    }
  }

  kinds(): UpstreamKind[] {
    return [...this.byKind.keys()];
  }

  find(kind: UpstreamKind): UpstreamKindHandler | undefined {
    return this.byKind.get(kind);
  }

  /** The handler of a stored kind; a kind no registration knows any more is a programming error. */
  get(kind: UpstreamKind): UpstreamKindHandler {
    const handler = this.byKind.get(kind);
    if (!handler) throw new Error(`no upstream kind ${JSON.stringify(kind)} is registered (known: ${this.kinds().join(', ')})`);
    return handler;
  }
}

/** The HTTP fetcher every kind reads with, configured from the environment. */
export const pageFetcherProvider: Provider = {
  provide: PageFetcher,
  inject: [AppConfig],
  useFactory: (config: AppConfig) =>
    new PageFetcher({
      timeoutMs: config.sync.httpTimeoutMs,
      attempts: config.sync.httpAttempts,
      retryDelayMs: config.sync.retryDelayMs,
      maxBytes: config.sync.maxPageBytes,
      policy: new OutboundPolicy(config.outbound),
    }),
};

/** The providers of the upstream seam: the fetcher, every kind's handler, and the registry. */
export function upstreamKindProviders(registrations: UpstreamKindRegistration[] = UPSTREAM_KINDS): Provider[] {
  return [
    pageFetcherProvider,
    ...registrations.flatMap((r) => [r.handler, ...(r.providers ?? [])]),
    { provide: UPSTREAM_KIND_HANDLERS, inject: registrations.map((r) => r.handler), useFactory: (...handlers: UpstreamKindHandler[]) => handlers },
    UpstreamKindRegistry,
  ];
}
