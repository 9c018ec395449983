import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OfferEngine } from '../../offers/offer-engine.service';
import { AptBinary, AptCatalogViewRepository, AptRelease } from '../apt-catalog-view.repository';
import { republishStanza } from '../publication/control-stanza';
import { PublishedBinary, SuiteContent } from '../publication/release-builder';
import { AptView, AptViewResolver, SuiteSource, ViewDeb, ViewSuite } from './apt-view';

/** Suites' package lists kept in memory, by suite key and tag (a baseline is ~63,000 packages). */
const KEPT_LISTS = 64;

interface PackageList {
  binaries: AptBinary[];
  debs: Map<string, ViewDeb>;
}

/**
 * A computer's APT view from the offer engine (the same answer as its check-in, never a second
 * computation) and the apt catalog: the baseline of its release, and the updates its group path
 * effectively approves for install (inheritance, declines, supersedence, global declines, expiry,
 * content mode: the engine's group offer) that belong to that release.
 */
@Injectable()
export class OfferAptViewResolver implements AptViewResolver {
  private readonly lists = new Map<string, Promise<PackageList>>();
  private releases: { tag: string; rows: Promise<AptRelease[]> } | null = null;

  constructor(
    private readonly engine: OfferEngine,
    private readonly catalog: AptCatalogViewRepository,
  ) {}

  async viewOf(computerId: string): Promise<AptView | null> {
    const offer = await this.engine.offerFor(computerId);
    if (!offer) return null;
    const { computer, version } = offer;
    const release = await this.releaseOf(computer.osFamily, computer.osVersion, version.parts.catalog);
    if (!release) return null;
    const { osFamily: distro, codename } = release;
    const baselineList = () => this.list(`${distro}/${codename}`, version.parts.catalog, () => this.catalog.baselineBinaries(release.releaseKey));
    const baseline: ViewSuite = { key: `${distro}/${codename}`, tag: version.parts.catalog, source: { release, suite: codename } };
    const groupKey = createHash('sha256').update(computer.groupPath.join('/')).digest('hex').slice(0, 32);
    const approvedKey = `${distro}/${codename}-approved/${groupKey}`;
    const approvedTag = version.groupTag;
    const approvedList = () => this.list(approvedKey, approvedTag, () => this.approvedBinaries(computer.groupPath, release.releaseKey));
    const approved: ViewSuite = { key: approvedKey, tag: approvedTag, source: { release, suite: `${codename}-approved`, groupPath: computer.groupPath } };
    return {
      computerId,
      distro,
      codename,
      arch: computer.arch,
      components: release.components,
      suites: new Map([
        [codename, baseline],
        [`${codename}-approved`, approved],
      ]),
      deb: async (sha256) => (await approvedList()).debs.get(sha256) ?? (await baselineList()).debs.get(sha256) ?? null,
    };
  }

  /**
   * The suite's content as the catalog and the group's offer hold it now. Read afresh: this runs
   * in the worker, once per publish-apt-suite job, whose publish keeps an unchanged publication.
   */
  async suiteContent(source: SuiteSource): Promise<SuiteContent> {
    const { release, suite, groupPath } = source;
    const binaries = groupPath ? await this.approvedBinaries(groupPath, release.releaseKey) : await this.catalog.baselineBinaries(release.releaseKey);
    return aptSuiteContent(release, suite, binaries);
  }

  /** The release of a computer's OS (os-release ID and VERSION_ID, as it registered them). */
  async releaseOf(osFamily: string, osVersion: string, catalogTag: string): Promise<AptRelease | null> {
    if (this.releases?.tag !== catalogTag) this.releases = { tag: catalogTag, rows: this.catalog.releases() };
    const rows = await this.releases.rows;
    return rows.find((r) => r.osFamily === osFamily.toLowerCase() && r.osVersion === osVersion) ?? null;
  }

  /** The binaries of the updates the group path approves for install that belong to the release. */
  async approvedBinaries(groupPath: string[], releaseKey: string): Promise<AptBinary[]> {
    const { approved } = await this.engine.groupOffer(groupPath);
    return this.catalog.updateBinaries(releaseKey, approved.filter((u) => u.action === 'install').map((u) => u.updateId));
  }

  private list(key: string, tag: string, load: () => Promise<AptBinary[]>): Promise<PackageList> {
    const memoKey = `${key} ${tag}`;
    let entry = this.lists.get(memoKey);
    if (!entry) {
      entry = load().then((binaries) => ({
        binaries,
        debs: new Map(binaries.map((b) => [b.sha256, { sha256: b.sha256, size: b.size, upstreamUrl: `${b.baseUrl.replace(/\/+$/, '')}/${b.filename}` }])),
      }));
      this.lists.set(memoKey, entry);
      entry.catch(() => this.lists.delete(memoKey));
      if (this.lists.size > KEPT_LISTS) this.lists.delete(this.lists.keys().next().value!);
    }
    return entry;
  }
}

/** A suite of a release as Patchgate publishes it: stanzas republished into the pool, identity fixed. */
export function aptSuiteContent(release: AptRelease, suite: string, binaries: AptBinary[]): SuiteContent {
  const components = new Map<string, PublishedBinary[]>(release.components.map((c) => [c, []]));
  for (const b of binaries) {
    if (!components.has(b.component)) components.set(b.component, []);
    components.get(b.component)!.push({
      package: b.package,
      version: b.version,
      architecture: b.architecture,
      stanza: republishStanza(b.stanza, `pool/${b.sha256}/${b.filename.slice(b.filename.lastIndexOf('/') + 1)}`),
    });
  }
  return {
    suite,
    codename: suite,
    origin: 'Patchgate',
    label: `Patchgate ${release.osFamily} ${release.codename}`,
    architectures: release.architectures,
    components,
  };
}
