import { OutboundPolicy } from '../../../infra/http/outbound-policy';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { aptSourcesText } from '../../../contracts/apt-sources';
import { AppConfig } from '../../../infra/config/app-config';
import { REDIS } from '../../../infra/redis/redis.module';
import { NotFoundError } from '../../../common/errors/domain-error';
import { ByteRange, parseByteRange } from '../../content/byte-range';
import { openContentSource } from '../../content/content-source';
import { CONTENT_STORAGE, ContentStorage } from '../../content/storage/content-storage';
import { RepositorySigningKeyService } from '../../signing/repository-signing-key.service';
import { AptPublicationsRepository, StoredPublication } from '../apt-publications.repository';
import { AptRequest } from './apt-path';
import { AptPublicationRequests } from './apt-publication-requests';
import { APT_VIEW_RESOLVER, AptView, AptViewResolver, ViewSuite } from './apt-view';

/** A small repository file: its bytes, and what conditional requests compare. */
export interface RepositoryFile {
  bytes: Buffer;
  etag: string;
  /** the publication's Date: Last-Modified, which apt sends back as If-Modified-Since */
  lastModified: Date;
  /** by-hash and indexes listed by digest never change under their name */
  immutable: boolean;
}

export type DebDelivery =
  | { kind: 'unsatisfiable'; size: number }
  | { kind: 'file'; size: number; range: ByteRange | null; open: () => Readable };

/**
 * The APT repositories' serving side (docs/debian.md, "Serving"): every answer comes from the
 * computer's view, so a file outside it is the same 404 as a file that does not exist.
 * Publications are made lazily: a suite whose tag changed since its last publication (an
 * approval, a decline, a group move, a sync) is published again on the next request for it, by
 * the worker (AptPublicationRequests): this process never builds indexes nor signs.
 */
@Injectable()
export class AptRepositoryService {
  private readonly log = new Logger(AptRepositoryService.name);
  /** suite key → the tag and publication last served (per process; the publication itself lives in PostgreSQL) */
  private readonly current = new Map<string, { tag: string; publication: StoredPublication }>();
  /** baseline .debs being fetched from the upstream: the first computer's request fetches, the rest wait */
  private readonly fetching = new Map<string, Promise<void>>();

  constructor(
    @Inject(APT_VIEW_RESOLVER) private readonly views: AptViewResolver,
    private readonly publishing: AptPublicationRequests,
    private readonly publications: AptPublicationsRepository,
    @Inject(CONTENT_STORAGE) private readonly storage: ContentStorage,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly signing: RepositorySigningKeyService,
  ) {
    this.outbound = new OutboundPolicy(config.outbound);
  }

  /** What a baseline .deb's upstream URL may reach (src/infra/http/outbound-policy.ts), as for content downloads. */
  private readonly outbound: OutboundPolicy;

  /** The deb822 .sources the computer should use (GET /client/v1/apt/sources); `server`: how it reaches us. */
  async sourcesFor(computerId: string, server: string): Promise<string> {
    const view = await this.views.viewOf(computerId);
    if (!view) throw new NotFoundError('APT repository for computer', computerId);
    return aptSourcesText({ server, distro: view.distro, codename: view.codename, components: view.components, armoredKey: this.signing.activeSigner().armoredPublicKey });
  }

  async file(computerId: string, distro: string, request: Exclude<AptRequest, { kind: 'pool' }>): Promise<RepositoryFile> {
    const view = await this.viewOf(computerId, distro);
    const suite = view.suites.get(request.suite);
    if (!suite) throw new NotFoundError('suite', request.suite);
    let publication = await this.publicationOf(suite);
    if (request.kind === 'release') {
      publication = await this.notOlderThanSeen(computerId, request.suite, suite, publication);
      const bytes = request.file === 'InRelease' ? publication.inRelease : request.file === 'Release' ? publication.release : publication.releaseGpg;
      return { bytes, etag: `"${digest(bytes)}"`, lastModified: publication.date, immutable: false };
    }
    const sha256 = request.kind === 'by-hash' ? request.sha256 : publication.indexFiles.find((f) => f.path === request.path)?.sha256;
    if (!sha256) throw new NotFoundError('index', request.kind === 'index' ? request.path : request.sha256);
    // A by-hash file of a kept publication of this suite (a client may have read an older InRelease).
    if (request.kind === 'by-hash' && !publication.indexFiles.some((f) => f.sha256 === sha256) && !(await this.publications.listsIndexFile(suite.key, sha256))) {
      throw new NotFoundError('index', sha256);
    }
    const bytes = await this.publications.findIndexFile(sha256);
    if (!bytes) throw new NotFoundError('index', sha256);
    return { bytes, etag: `"${sha256}"`, lastModified: publication.date, immutable: request.kind === 'by-hash' };
  }

  /**
   * A .deb of the computer's view, whole or one range. Not stored yet (a baseline package):
   * fetched from the upstream now, verified against the index's size and SHA256 and stored, so
   * the first computer waits and the rest are served locally. Bytes that fail verification are
   * never stored nor served.
   */
  async deb(computerId: string, distro: string, sha256: string, rangeHeader: string | undefined): Promise<DebDelivery> {
    const view = await this.viewOf(computerId, distro);
    const deb = await view.deb(sha256);
    if (!deb) throw new NotFoundError('file', sha256);
    let size = await this.storage.size(sha256);
    if (size === null) {
      await this.fetchOnce(deb.sha256, deb.size, deb.upstreamUrl);
      size = await this.storage.size(sha256);
      if (size === null) throw new NotFoundError('file', sha256);
    }
    const range = parseByteRange(rangeHeader, size);
    if (range === 'unsatisfiable') return { kind: 'unsatisfiable', size };
    return { kind: 'file', size, range, open: () => this.storage.createReadStream(sha256, range ?? undefined) };
  }

  private async viewOf(computerId: string, distro: string): Promise<AptView> {
    const view = await this.views.viewOf(computerId);
    if (!view || view.distro !== distro) throw new NotFoundError('repository', distro);
    return view;
  }

  /** The suite's publication for its current tag: from memory, else published (or found unchanged) by the worker now. */
  private async publicationOf(suite: ViewSuite): Promise<StoredPublication> {
    const known = this.current.get(suite.key);
    if (known?.tag === suite.tag && known.publication.validUntil.getTime() > Date.now() + 86_400_000) return known.publication;
    const publication = await this.publishing.publication(suite);
    this.current.set(suite.key, { tag: suite.tag, publication });
    return publication;
  }

  /**
   * apt ignores an InRelease older than the one it has. A computer that moved to another group
   * reads another group's publication, which may be older than what it saw: that one is then
   * published again with a Date not before the one it saw. The Date last served per computer and suite is in Redis.
   */
  private async notOlderThanSeen(computerId: string, suiteName: string, suite: ViewSuite, publication: StoredPublication): Promise<StoredPublication> {
    const key = `${this.config.redisPrefix}:apt:seen:${computerId}:${suiteName}`;
    const seen = Number((await this.redis.get(key)) ?? 0);
    let served = publication;
    if (publication.date.getTime() < seen) {
      served = await this.publishing.publication(suite, new Date(seen));
      this.current.set(suite.key, { tag: suite.tag, publication: served });
    }
    if (served.date.getTime() !== seen) await this.redis.set(key, String(served.date.getTime()), 'EX', 90 * 86_400);
    return served;
  }

  private fetchOnce(sha256: string, size: number, url: string): Promise<void> {
    let pending = this.fetching.get(sha256);
    if (!pending) {
      pending = this.storage
        .write(sha256, size, (offset) => openContentSource(url, offset, AbortSignal.timeout(10 * 60_000), this.outbound))
        .catch((error: unknown) => this.log.warn(`fetching ${url} (${sha256}) failed: ${(error as Error).message}`))
        .finally(() => this.fetching.delete(sha256));
      this.fetching.set(sha256, pending);
    }
    return pending;
  }
}

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
