import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config';
import { RepositorySigningKeyService } from '../signing/repository-signing-key.service';
import { AptPublicationsRepository, StoredPublication } from './apt-publications.repository';
import { BuiltIndexes, buildIndexes, buildRelease, indexesKey, redateRelease, SuiteContent } from './publication/release-builder';
import { signRelease } from './publication/signed-release';

/** Publications kept per suite: their by-hash files stay for clients that read an older InRelease. */
export const KEPT_PUBLICATIONS = 4;

/** Built indexes kept in memory by content (bytes): groups with equal approved sets share one build. */
const BUILT_INDEXES_BUDGET = 256 * 1024 * 1024;

/**
 * Writes signed publications of APT suites (docs/debian.md, "How the repositories are built"):
 * indexes and by-hash copies first, then Release, Release.gpg and InRelease, in one PostgreSQL
 * transaction, so a reader sees a whole publication or the previous one.
 */
@Injectable()
export class AptPublisherService {
  private readonly log = new Logger(AptPublisherService.name);
  private readonly built = new Map<string, BuiltIndexes>();

  constructor(
    private readonly publications: AptPublicationsRepository,
    private readonly signing: RepositorySigningKeyService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The current publication of `content` under `suiteKey`: one key per sequence of publications a
   * client reads (the baseline of a release: `debian/bookworm`; a group path's approved suite:
   * `debian/bookworm-approved/<group key>`), since Date must grow along what one client sees.
   * When the suite's current publication already has this content it is kept as it is (unless
   * `fresh` asks for a new Date, or its Date is before `notBefore`); otherwise a new one is signed,
   * reusing the stored index files of equal content (content-addressed), with a Date after every
   * earlier one of the suite and not before `notBefore`. Runs in the worker (AptPublicationProcessor):
   * the API only asks for it (AptPublicationRequests).
   */
  async publish(suiteKey: string, content: SuiteContent, options: { fresh?: boolean; notBefore?: Date; now?: Date } = {}): Promise<StoredPublication> {
    const indexes = this.indexesOf(content);
    const now = options.now ?? new Date();
    if (!options.fresh) {
      const current = await this.publications.findLatest(suiteKey);
      if (
        current?.contentDigest === indexes.digest &&
        current.validUntil.getTime() - now.getTime() > this.renewalMarginMs() &&
        current.date.getTime() >= (options.notBefore?.getTime() ?? 0)
      ) {
        return current;
      }
    }
    const times = await this.times(suiteKey, options.notBefore && options.notBefore > now ? options.notBefore : now);
    const signed = await signRelease(buildRelease(content, indexes, times), this.signing.activeSigner());
    const indexFiles = indexes.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.bytes.length, bytes: f.bytes }));
    return this.publications.insert({ suite: suiteKey, contentDigest: indexes.digest, ...times, ...signed, indexFiles }, KEPT_PUBLICATIONS);
  }

  /**
   * Re-signs, with a new Date and Valid-Until, every suite's current publication whose
   * Valid-Until falls within the renewal margin, so an idle repository never expires on its computers.
   */
  async renewExpiring(now = new Date()): Promise<number> {
    const expiring = await this.publications.findLatestExpiringBefore(new Date(now.getTime() + this.renewalMarginMs()));
    for (const publication of expiring) {
      const times = await this.times(publication.suite, now);
      const signed = await signRelease(redateRelease(publication.release.toString('utf8'), times), this.signing.activeSigner());
      // The same index files: listed again, not copied.
      await this.publications.insert(
        { suite: publication.suite, contentDigest: publication.contentDigest, ...times, ...signed, indexFiles: publication.indexFiles },
        KEPT_PUBLICATIONS,
      );
    }
    if (expiring.length) this.log.log(`re-signed ${expiring.length} APT publication(s) before their Valid-Until`);
    return expiring.length;
  }

  /**
   * The indexes of the content whose indexesKey is `key`, if this process built them already (for
   * a publication), else undefined: lets the dependency check reuse the baseline the serving side built.
   */
  builtIndexes(key: string): BuiltIndexes | undefined {
    return this.built.get(key);
  }

  private indexesOf(content: SuiteContent): BuiltIndexes {
    const key = indexesKey(content);
    let indexes = this.built.get(key);
    if (indexes) {
      // Map order is insertion order: re-inserting marks the entry recently used.
      this.built.delete(key);
      this.built.set(key, indexes);
      return indexes;
    }
    indexes = buildIndexes(content);
    this.built.set(key, indexes);
    const bytesOf = (built: BuiltIndexes) => built.files.reduce((sum, f) => sum + f.bytes.length, 0);
    let total = [...this.built.values()].reduce((sum, built) => sum + bytesOf(built), 0);
    for (const [oldKey, old] of this.built) {
      if (total <= BUILT_INDEXES_BUDGET || oldKey === key) break;
      this.built.delete(oldKey);
      total -= bytesOf(old);
    }
    return indexes;
  }

  /** Renewed once less than half the validity is left (3.5 days with the default 7). */
  private renewalMarginMs(): number {
    return (this.config.apt.validDays * 86_400_000) / 2;
  }

  private async times(suiteKey: string, now: Date) {
    const date = await this.publications.nextDate(suiteKey, now);
    return { date, validUntil: new Date(date.getTime() + this.config.apt.validDays * 86_400_000) };
  }
}
