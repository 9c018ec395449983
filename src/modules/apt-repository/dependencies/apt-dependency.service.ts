import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../../common/errors/domain-error';
import { ApprovalAdvice, ApprovalAdvisor } from '../../approvals/approval-advisor';
import { OfferEngine } from '../../offers/offer-engine.service';
import { AptCatalogViewRepository, AptRelease } from '../apt-catalog-view.repository';
import { AptPublisherService } from '../apt-publisher.service';
import { indexesKey } from '../publication/release-builder';
import { aptSuiteContent, OfferAptViewResolver } from '../serving/offer-apt-view.resolver';
import { AptDependencyRoot, DependencyCheck, removeLeftoverRoots } from './apt-dependency-root';

export interface AptDependencyReport extends DependencyCheck {
  updateId: string;
  groupId: string;
  /** what apt was asked to install: `name=version` of the update's binaries */
  packages: string[];
}

/** Scratch roots kept (one per release and architecture, ~130 MB each for Debian 12 amd64: the baseline index and apt's caches). */
const KEPT_ROOTS = 4;

interface KeptRoot {
  /** the catalog version the baseline was last read at */
  catalogTag: string;
  /** what the root's baseline suite holds: the release's identity and AptCatalogViewRepository.baselineFingerprint */
  baselineFingerprint: string;
  root: AptDependencyRoot;
}

/**
 * Whether a group's computers could install an APT update with what the group approves: apt
 * itself (its resolver: AptDependencyRoot) against the candidate publication — the release's baseline plus
 * the group's approved updates plus this one — in a scratch root (docs/debian.md, "Dependencies").
 * Null for an update that is not an APT update.
 *
 * The baseline is the large part (~63,000 packages for Debian 12) and changes only with a sync, so
 * one root per release and architecture keeps it (AptDependencyRoot): read by apt once per baseline
 * version, while each check writes only the small approved suite. The root belongs to what its
 * baseline holds: when the catalog version changes, the baseline's fingerprint (its updates and
 * their revisions) is read, and only when it differs is the baseline read into a new root that
 * replaces the old one (with the index files this process's AptPublisherService built for the same
 * content, when it has them: only where publications are built, the worker; the API builds its
 * own, docs/architecture.md, "APT publications: built in the worker"). Checks of one release and architecture run one at a time; the roots are removed at shutdown.
 */
@Injectable()
export class AptDependencyService implements ApprovalAdvisor, OnApplicationShutdown {
  private readonly log = new Logger(AptDependencyService.name);
  /** `<release key> <arch>` → its root, least recently used first */
  private readonly roots = new Map<string, KeptRoot>();
  /** `<release key> <arch>` → the end of the queue of checks on it */
  private readonly queues = new Map<string, Promise<unknown>>();
  private leftoversRemoved = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: AptCatalogViewRepository,
    private readonly views: OfferAptViewResolver,
    private readonly engine: OfferEngine,
    private readonly publisher: AptPublisherService,
  ) {}

  /** For an install approval's answer: the check, or null for an update that is not an APT update. */
  async advise(updateId: string, groupId: string): Promise<ApprovalAdvice | null> {
    const report = await this.check(updateId, groupId);
    return report && { installable: report.installable, unmet: report.unmet, packages: report.packages };
  }

  async check(updateId: string, groupId: string): Promise<AptDependencyReport | null> {
    const releaseKey = await this.catalog.releaseOfUpdate(updateId);
    if (!releaseKey) return null;
    const [group]: { path: string[] }[] = await this.dataSource.query('SELECT path::text[] AS path FROM computer_groups WHERE id = $1', [groupId]);
    if (!group) throw new NotFoundError('group', groupId);
    const release = (await this.catalog.releases()).find((r) => r.releaseKey === releaseKey);
    if (!release) return null;
    // The catalog version before anything of the catalog is read: what is read is at least as new.
    const { parts } = await this.engine.groupVersionOf(group.path);
    const approved = (await this.views.approvedBinaries(group.path, releaseKey)).filter((b) => b.updateId !== updateId);
    const own = await this.catalog.updateBinaries(releaseKey, [updateId]);
    const candidate = aptSuiteContent(release, `${release.codename}-approved`, [...approved, ...own]);
    const packages: string[] = [];
    const unmet: string[] = [];
    for (const arch of release.architectures) {
      const asked = own.filter((b) => b.architecture === arch || b.architecture === 'all').map((b) => `${b.package}=${b.version}`);
      if (asked.length === 0) continue;
      for (const p of asked) if (!packages.includes(p)) packages.push(p);
      const result = await this.serialized(`${releaseKey} ${arch}`, async () => {
        const root = await this.rootOf(release, arch, parts.catalog);
        return root.check([candidate], asked);
      });
      if (!result.installable) unmet.push(...result.unmet.map((line) => (release.architectures.length > 1 ? `${arch}: ${line}` : line)));
    }
    return { updateId, groupId, installable: unmet.length === 0, unmet, packages };
  }

  async onApplicationShutdown(): Promise<void> {
    const roots = [...this.roots.values()];
    this.roots.clear();
    await Promise.all(roots.map((kept) => kept.root.close()));
  }

  /** Runs `work` after the work queued under `key` before it. */
  private serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  /** The root of a release and architecture whose baseline is the one of catalog version `catalogTag`. */
  private async rootOf(release: AptRelease, arch: string, catalogTag: string): Promise<AptDependencyRoot> {
    const key = `${release.releaseKey} ${arch}`;
    const kept = this.roots.get(key);
    if (kept?.root.usable && kept.catalogTag === catalogTag) return this.used(key, kept).root;

    // The catalog changed (a sync, a stored file, a global decline): most changes leave the baseline as it is.
    // The tag was read before the fingerprint, the fingerprint before the baseline: each is at least as new as the one before.
    const fingerprint = `${JSON.stringify([release.osFamily, release.codename, release.components, release.architectures])} ${await this.catalog.baselineFingerprint(release.releaseKey)}`;
    if (kept?.root.usable && kept.baselineFingerprint === fingerprint) {
      kept.catalogTag = catalogTag;
      return this.used(key, kept).root;
    }
    if (kept) {
      this.roots.delete(key);
      void kept.root.close();
    }
    // Read after the fingerprint, so never older than it (a sync that commits in between only makes the next check rebuild).
    const baseline = aptSuiteContent(release, release.codename, await this.catalog.baselineBinaries(release.releaseKey));
    const built = this.publisher.builtIndexes(indexesKey(baseline));
    if (!this.leftoversRemoved) {
      this.leftoversRemoved = true;
      const removed = removeLeftoverRoots();
      if (removed) this.log.log(`removed ${removed} dependency check root(s) left over by processes that are gone`);
    }
    const started = Date.now();
    const root = await AptDependencyRoot.open(arch, [baseline], { indexes: built && new Map([[baseline.suite, built]]) });
    this.log.log(`dependency check root for ${release.osFamily}/${release.codename} ${arch} ready in ${Date.now() - started} ms (${built ? 'indexes of the publication' : 'indexes built'})`);
    this.used(key, { catalogTag, baselineFingerprint: fingerprint, root });
    for (const [oldKey, old] of this.roots) {
      if (this.roots.size <= KEPT_ROOTS) break;
      this.roots.delete(oldKey);
      // Behind the checks already queued on that release and architecture, which hold the root.
      void this.serialized(oldKey, () => old.root.close());
    }
    return root;
  }

  /** Marks a root recently used (Map order is insertion order). */
  private used(key: string, kept: KeptRoot): KeptRoot {
    this.roots.delete(key);
    this.roots.set(key, kept);
    return kept;
  }
}
