import { createHash } from 'node:crypto';
import { Key } from 'openpgp';
import { EntityManager } from 'typeorm';
import { Classification, UpdateRevisionData } from '../../../update-revision';
import { contentHash, FeedItemResult, OS_VERSION_PATTERN } from '../../feed-item.validator';
import { FetchedPage, PageFetcher, UpstreamError } from '../../page-fetcher';
import { Upstream, UpstreamPage, UpstreamReader, UpstreamRefusedError } from '../upstream-kind';
import { AcceptedSuite, AptCatalogRepository, AptReleaseRow, StoredSuite, suiteKey } from './apt-catalog.repository';
import { BinaryStanza, IndexEntry, parseRelease, ReleaseFacts, readBinaryStanza, stanzaRanges, stanzaText } from './apt-metadata';
import { AptSource, AptUpstreamSettings } from './apt-settings';
import { compareDebianVersions } from './dpkg-version';
import { decompressIndex, IndexCompression } from './index-decompression';
import { readArmoredKeyring, verifyDetachedRelease, verifyInRelease } from './release-signature';

/** Updates per page handed to the runner (one transaction each). */
export const APT_PAGE_SIZE = 500;
/** Largest InRelease / Release accepted (Debian's main Release is about 150 kB). */
const RELEASE_MAX_BYTES = 16 * 1024 * 1024;
/** Namespace of the updateIds of APT updates: uuid v5 of `<os family>/<codename>/<source>/<version>`. */
const APT_UPDATE_NAMESPACE = 'c0a8e3f2-5b1d-4f6e-9a7c-2d3e4f5a6b7c';

/** RFC 4122 name-based (SHA-1) uuid: the same source version of the same release always gets the same updateId. */
export function uuidV5(name: string, namespace = APT_UPDATE_NAMESPACE): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A suite's name without `-` is a release suite (`bookworm`, `jammy`): its versions at its first sync are the baseline. */
export const isReleaseSuite = (suite: string) => !suite.includes('-');

interface SuiteLog {
  url: string;
  suite: string;
  release: 'not-modified' | 'unchanged' | 'fetched';
  signedBy: 'InRelease' | 'Release.gpg' | null;
  date: string;
  indexes: { path: string; bytes: number; byHash: boolean }[];
  binaries: number;
  bytesFetched: number;
}

interface ReadSuite {
  source: AptSource;
  baseUrl: string;
  suite: string;
  rank: number;
  facts: ReleaseFacts;
  text: string;
  sha256: string;
  stored: StoredSuite | undefined;
  status: 'not-modified' | 'unchanged' | 'changed';
  etag: string | null;
  lastModified: string | null;
  log: SuiteLog;
}

interface ReleaseGroup {
  key: string;
  osFamily: string;
  origin: string;
  label: string;
  codename: string;
  osVersion: string;
  product: string;
  suites: ReadSuite[];
}

/**
 * One binary package as the plan holds it until its page is written: the index buffer it was read
 * from and offsets into it, plus the few strings every use needs. Version, Filename and SHA256 are
 * decoded again from the buffer when an item or a row is built, so a first sync of Debian's main
 * (66,000 binaries) keeps one small object per binary beside the index rather than seven strings.
 */
class PlannedBinary {
  readonly index: Buffer;
  readonly start: number;
  readonly end: number;
  readonly package: string;
  /** Interned per plan (`amd64`, `all`). */
  readonly architecture: string;
  readonly size: number;
  private readonly versionAt: number;
  private readonly versionLength: number;
  private readonly filenameAt: number;
  private readonly filenameLength: number;
  private readonly sha256At: number;

  constructor(binary: BinaryStanza, architecture: string, readonly suite: ReadSuite, readonly component: string) {
    this.index = binary.index;
    this.start = binary.start;
    this.end = binary.end;
    this.package = binary.package;
    this.architecture = architecture;
    this.size = binary.size;
    this.versionAt = binary.versionAt;
    this.versionLength = binary.version.length;
    this.filenameAt = binary.filenameAt;
    this.filenameLength = binary.filename.length;
    this.sha256At = binary.sha256At;
  }

  get version(): string {
    return this.index.toString('latin1', this.versionAt, this.versionAt + this.versionLength);
  }

  get filename(): string {
    return this.index.toString('latin1', this.filenameAt, this.filenameAt + this.filenameLength);
  }

  get sha256(): string {
    return this.index.toString('latin1', this.sha256At, this.sha256At + 64);
  }
}

/** The binaries of one source version of a release, gathered while the indexes are read. */
interface SourceGroup {
  source: string;
  version: string;
  /** One per package and architecture (see `addBinary`). */
  packages: PlannedBinary[];
  suites: ReadSuite[];
}

interface PlannedUpdate {
  updateId: string;
  revision: number;
  contentHash: string;
  isNew: boolean;
  newRevision: boolean;
  baseline: boolean;
  release: ReleaseGroup;
  source: string;
  version: string;
  /** Sorted by package, then architecture. */
  packages: PlannedBinary[];
  /** What the item needs besides the above; the item is built (again) when its page is handed out. */
  arch: string[];
  supersedes: string[];
  security: boolean;
  releasedAt: string;
}

interface Plan {
  digest: string;
  updates: PlannedUpdate[];
  listing: { productRoots: string[]; updateIds: Set<string> } | null;
  suitesToSave: AcceptedSuite[];
  releasesToSave: AptReleaseRow[];
  log: { suites: SuiteLog[]; bytesFetched: number };
}

/**
 * Reads an APT archive (docs/debian.md). The whole archive is read and checked before the first
 * page is handed out, so a refusal (signature, replay, expiry, hash, size) fails the run with the
 * catalog unchanged. Positions are page numbers of that plan (`apt:<n>:<plan digest>`); a
 * resumed run rebuilds the plan and, if the archive changed meanwhile, starts it over.
 */
export class AptArchiveReader implements UpstreamReader {
  private plan: Promise<Plan> | null = null;

  constructor(
    private readonly upstream: Upstream<AptUpstreamSettings>,
    private readonly fetcher: PageFetcher,
    private readonly repository: AptCatalogRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  firstPage(): string {
    return 'apt:0';
  }

  rejectedCursor(): boolean {
    return false;
  }

  async read(position: string, signal?: AbortSignal): Promise<UpstreamPage> {
    if (!this.plan) {
      this.plan = this.buildPlan(signal);
      this.plan.catch(() => undefined);
    }
    const plan = await this.plan;
    const match = /^apt:(\d{1,9})(?::([0-9a-f]{64}))?$/.exec(position);
    const index = match && (match[1] === '0' || match[2] === plan.digest) ? Number(match[1]) : 0;
    const pages = Math.max(1, Math.ceil(plan.updates.length / APT_PAGE_SIZE));
    const slice = plan.updates.slice(index * APT_PAGE_SIZE, (index + 1) * APT_PAGE_SIZE);
    const last = index >= pages - 1;
    const items: FeedItemResult[] = slice.map((u) => ({ ok: true, item: buildItem(u, u.revision), contentHash: u.contentHash }));
    const hasWrites = slice.length > 0 || (last && (plan.suitesToSave.length > 0 || plan.releasesToSave.length > 0));
    return {
      location: `${this.upstream.url} (apt page ${index + 1} of ${pages})`,
      items,
      next: last ? null : `apt:${index + 1}:${plan.digest}`,
      cursor: null,
      listing: last && plan.listing ? plan.listing : undefined,
      log: last ? { ...plan.log } : undefined,
      commit: hasWrites ? (manager) => this.commit(manager, plan, slice, last) : undefined,
    };
  }

  private async commit(manager: EntityManager, plan: Plan, slice: PlannedUpdate[], last: boolean): Promise<void> {
    await this.repository.insertUpdates(
      manager,
      slice.filter((u) => u.isNew).map((u) => ({ updateId: u.updateId, releaseKey: u.release.key, source: u.source, version: u.version })),
    );
    await this.repository.insertPackages(
      manager,
      slice
        .filter((u) => u.newRevision)
        .flatMap((u) =>
          u.packages.map((binary) => ({
            updateId: u.updateId, revision: u.revision, package: binary.package, version: binary.version, architecture: binary.architecture,
            component: binary.component, filename: binary.filename, size: binary.size, sha256: binary.sha256, stanza: stanzaText(binary),
            baseUrl: binary.suite.baseUrl, suite: binary.suite.suite,
          })),
        ),
    );
    await this.repository.markBaseline(manager, slice.filter((u) => u.baseline).map((u) => u.updateId));
    if (last) {
      await this.repository.saveSuites(manager, plan.suitesToSave);
      await this.repository.saveReleases(manager, plan.releasesToSave);
    }
  }

  private async buildPlan(signal?: AbortSignal): Promise<Plan> {
    const settings = this.upstream.settings;
    if (!settings) throw new UpstreamRefusedError('the apt upstream has no configuration (sources, keyring); save the sync configuration again');
    let keys: Key[];
    try {
      keys = await readArmoredKeyring(settings.keyring);
    } catch (error) {
      throw new UpstreamRefusedError((error as Error).message);
    }
    const stored = await this.repository.storedSuites();
    const now = this.now();
    const suites: ReadSuite[] = [];
    let rank = 0;
    for (const source of settings.sources) {
      for (const suite of source.suites) suites.push(await this.readRelease(source, suite, rank++, stored, keys, now, signal));
    }

    const releases = groupReleases(suites);
    const plan: Plan = {
      digest: createHash('sha256').update(suites.map((s) => `${s.baseUrl} ${s.suite} ${s.sha256}`).join('\n')).digest('hex'),
      updates: [],
      listing: null,
      suitesToSave: [],
      releasesToSave: [],
      log: { suites: suites.map((s) => s.log), bytesFetched: 0 },
    };
    const productRoots: string[] = [];
    const listed = new Set<string>();
    for (const release of releases) {
      const changed = release.suites.some((s) => !s.stored || indexDigest(s.facts, s.source, settings) !== indexDigest(parseStored(s.stored), s.source, settings));
      plan.suitesToSave.push(...release.suites.filter((s) => s.status === 'changed').map((s) => acceptedSuite(s, release)));
      if (!changed) continue;
      // Binaries go straight into their source version's group as each index is read: no list of all of them.
      const groups = new Map<string, SourceGroup>();
      const interned = new Map<string, string>();
      for (const suite of release.suites) await this.readIndexes(suite, settings, groups, interned, signal);
      const updates = await this.mapRelease(release, groups, settings, listed);
      groups.clear();
      plan.updates.push(...updates);
      productRoots.push(release.product);
      plan.releasesToSave.push({
        releaseKey: release.key, osFamily: release.osFamily, origin: release.origin, label: release.label, codename: release.codename,
        osVersion: release.osVersion, product: release.product, suites: release.suites.map((s) => s.suite),
        components: [...new Set(release.suites.flatMap((s) => s.source.components))], architectures: [...settings.architectures],
      });
    }
    plan.updates.sort((a, b) => (a.updateId < b.updateId ? -1 : a.updateId > b.updateId ? 1 : 0));
    if (productRoots.length) plan.listing = { productRoots, updateIds: listed };
    plan.log.bytesFetched = plan.log.suites.reduce((sum, s) => sum + s.bytesFetched, 0);
    return plan;
  }

  /** Fetches (conditionally) and verifies a suite's InRelease, else Release + Release.gpg; refuses replays and expired files. */
  private async readRelease(
    source: AptSource,
    suite: string,
    rank: number,
    storedSuites: Map<string, StoredSuite>,
    keys: Key[],
    now: Date,
    signal?: AbortSignal,
  ): Promise<ReadSuite> {
    const baseUrl = source.url.replace(/\/+$/, '');
    const dist = `${baseUrl}/dists/${suite}`;
    const what = `suite ${suite} of ${baseUrl}`;
    const stored = storedSuites.get(suiteKey(baseUrl, suite));
    const log: SuiteLog = { url: baseUrl, suite, release: 'fetched', signedBy: null, date: '', indexes: [], binaries: 0, bytesFetched: 0 };
    const request = { signal, maxBytes: RELEASE_MAX_BYTES, limitName: 'the Release size limit', accept: '*/*' };
    let text: string;
    let fetched: FetchedPage | null;
    let status: ReadSuite['status'] = 'changed';
    try {
      // If-Modified-Since as apt sends it (CDN edges may disagree on ETags); the ETag only when there is no date.
      const conditional = stored?.lastModified ? { ifModifiedSince: stored.lastModified } : { ifNoneMatch: stored?.etag };
      fetched = await this.fetcher.fetch(`${dist}/InRelease`, { ...request, ...conditional });
    } catch (error) {
      if (!(error instanceof UpstreamError && error.answer.status === 404)) throw error;
      fetched = null;
    }
    if (fetched?.notModified && stored) {
      text = stored.releaseText;
      status = 'not-modified';
      log.release = 'not-modified';
    } else if (fetched && !fetched.notModified) {
      log.bytesFetched += fetched.body.length;
      text = await verifyInRelease(fetched.body.toString('utf8'), keys, `${what}: InRelease`);
      log.signedBy = 'InRelease';
    } else {
      const release = await this.fetcher.fetch(`${dist}/Release`, request);
      let signature: FetchedPage;
      try {
        signature = await this.fetcher.fetch(`${dist}/Release.gpg`, request);
      } catch (error) {
        if (error instanceof UpstreamError && error.answer.status === 404) throw new UpstreamRefusedError(`${what}: no InRelease and no Release.gpg (unsigned); refused`);
        throw error;
      }
      log.bytesFetched += release.body.length + signature.body.length;
      text = await verifyDetachedRelease(release.body, signature.body, keys, `${what}: Release`);
      log.signedBy = 'Release.gpg';
      fetched = release;
    }
    const facts = parseRelease(text);
    if ('problem' in facts) throw new UpstreamRefusedError(`${what}: ${facts.problem}`);
    log.date = facts.date.toISOString();
    if (stored && facts.date.getTime() < stored.releaseDate.getTime()) {
      throw new UpstreamRefusedError(
        `${what}: Release Date ${facts.date.toISOString()} is older than the last accepted ${stored.releaseDate.toISOString()} (replayed or rolled-back metadata); refused`,
      );
    }
    if (facts.validUntil && facts.validUntil.getTime() <= now.getTime()) {
      throw new UpstreamRefusedError(`${what}: Release expired at its Valid-Until ${facts.validUntil.toISOString()}; refused`);
    }
    const sha256 = createHash('sha256').update(text).digest('hex');
    if (status !== 'not-modified' && stored && stored.releaseSha256 === sha256) {
      status = 'unchanged';
      log.release = 'unchanged';
    }
    return {
      source, baseUrl, suite, rank, facts, text, sha256, stored, status, log,
      etag: status === 'not-modified' ? (stored?.etag ?? null) : (fetched?.etag ?? null),
      lastModified: status === 'not-modified' ? (stored?.lastModified ?? null) : (fetched?.lastModified ?? null),
    };
  }

  /**
   * Fetches the suite's Packages indexes for the configured components and architectures, each
   * checked against the signed Release, and adds their binaries to `groups` (by source version).
   */
  private async readIndexes(
    suite: ReadSuite,
    settings: AptUpstreamSettings,
    groups: Map<string, SourceGroup>,
    interned: Map<string, string>,
    signal?: AbortSignal,
  ): Promise<void> {
    const intern = (text: string) => {
      const known = interned.get(text);
      if (known !== undefined) return known;
      interned.set(text, text);
      return text;
    };
    const wanted = new Set([...settings.architectures, 'all']);
    for (const component of suite.source.components) {
      // As apt does: binary-all only when the Release names architecture all and does not fold it into binary-<arch>.
      const archs = suite.facts.architectures.includes('all') && !suite.facts.allInArchIndexes ? [...settings.architectures, 'all'] : settings.architectures;
      for (const arch of archs) {
        const dir = `${component}/binary-${arch}`;
        const what = `suite ${suite.suite} of ${suite.baseUrl}: ${dir}/Packages`;
        const raw = suite.facts.sha256.get(`${dir}/Packages`);
        const variants: { file: string; compression: IndexCompression; entry: IndexEntry }[] = [];
        for (const [file, compression] of [['Packages.gz', 'gz'], ['Packages.xz', 'xz'], ['Packages', 'none']] as const) {
          const entry = suite.facts.sha256.get(`${dir}/${file}`);
          if (entry) variants.push({ file, compression, entry });
        }
        if (!variants.length) continue; // the suite does not carry this component or architecture
        let body: Buffer | null = null;
        for (const variant of variants) {
          if (variant.entry.size > settings.maxIndexBytes) {
            throw new UpstreamRefusedError(`${what}: ${variant.file} is ${variant.entry.size} bytes, over the configured index limit of ${settings.maxIndexBytes} bytes; refused`);
          }
          const fetched = await this.fetchIndex(suite, dir, variant.file, variant.entry, signal);
          if (!fetched) continue;
          suite.log.bytesFetched += fetched.body.length;
          suite.log.indexes.push({ path: `${dir}/${variant.file}`, bytes: fetched.body.length, byHash: fetched.byHash });
          const digest = createHash('sha256').update(fetched.body).digest('hex');
          if (fetched.body.length !== variant.entry.size) {
            throw new UpstreamRefusedError(`${what}: ${variant.file} is ${fetched.body.length} bytes, the signed Release says ${variant.entry.size} (truncated or tampered); refused`);
          }
          if (digest !== variant.entry.sha256) throw new UpstreamRefusedError(`${what}: ${variant.file} SHA256 differs from the signed Release (tampered); refused`);
          // Into one buffer of the signed uncompressed size when the Release gives it (and it is within the limit).
          const sizeHint = raw && raw.size <= settings.maxIndexBytes ? raw.size : null;
          body = await decompressIndex(fetched.body, variant.compression, raw ? raw.size : settings.maxIndexBytes, what, sizeHint);
          if (raw && variant.compression !== 'none') {
            if (body.length !== raw.size || createHash('sha256').update(body).digest('hex') !== raw.sha256) {
              throw new UpstreamRefusedError(`${what}: decompressed ${variant.file} differs from the Packages the signed Release lists; refused`);
            }
          }
          break;
        }
        if (!body) throw new UpstreamRefusedError(`${what}: the Release lists it but the archive serves none of ${variants.map((v) => v.file).join(', ')}`);
        for (const [start, end] of stanzaRanges(body)) {
          const binary = readBinaryStanza(body, start, end);
          if ('problem' in binary) throw new UpstreamRefusedError(`${what}: ${binary.problem}; refused`);
          if (!wanted.has(binary.architecture)) continue;
          addBinary(groups, binary, new PlannedBinary(binary, intern(binary.architecture), suite, intern(component)));
          suite.log.binaries++;
        }
      }
    }
  }

  /** By hash when the Release offers it (immutable paths), else by name; null when the archive does not serve this variant. */
  private async fetchIndex(suite: ReadSuite, dir: string, file: string, entry: IndexEntry, signal?: AbortSignal): Promise<{ body: Buffer; byHash: boolean } | null> {
    const dist = `${suite.baseUrl}/dists/${suite.suite}`;
    const urls = suite.facts.acquireByHash ? [{ url: `${dist}/${dir}/by-hash/SHA256/${entry.sha256}`, byHash: true }] : [];
    urls.push({ url: `${dist}/${dir}/${file}`, byHash: false });
    for (const { url, byHash } of urls) {
      try {
        // One byte more than the signed size is enough to know a body is wrong: an endless body stops there.
        const fetched = await this.fetcher.fetch(url, { signal, accept: '*/*', maxBytes: entry.size, limitName: `the ${entry.size} bytes the signed Release gives` });
        return { body: fetched.body, byHash };
      } catch (error) {
        if (error instanceof UpstreamError && error.answer.status === 404) continue;
        if (error instanceof UpstreamError && /larger than the limit/.test(error.message)) {
          throw new UpstreamRefusedError(`suite ${suite.suite} of ${suite.baseUrl}: ${dir}/${file} is longer than the signed Release says (${entry.size} bytes); refused`);
        }
        throw error;
      }
    }
    return null;
  }

  /** One update per source version of the release (docs/debian.md, "Mapping"). */
  private async mapRelease(
    release: ReleaseGroup,
    groups: Map<string, SourceGroup>,
    settings: AptUpstreamSettings,
    listed: Set<string>,
  ): Promise<PlannedUpdate[]> {
    const idOf = (source: string, version: string) => uuidV5(`${release.key}/${source}/${version}`);
    const versionsBySource = new Map<string, Map<string, string>>();
    const addVersion = (source: string, version: string, updateId: string) => {
      let versions = versionsBySource.get(source);
      if (!versions) versionsBySource.set(source, (versions = new Map()));
      versions.set(version, updateId);
    };
    for (const entry of await this.repository.knownVersions(release.key)) addVersion(entry.source, entry.version, entry.updateId);
    const ids = new Map<SourceGroup, string>();
    for (const group of groups.values()) {
      const updateId = idOf(group.source, group.version);
      ids.set(group, updateId);
      addVersion(group.source, group.version, updateId);
      listed.add(updateId);
    }
    const filter = settings.sourcePackages.length ? new Set(settings.sourcePackages) : null;
    const chosen = [...groups.values()].filter((g) => !filter || filter.has(g.source));
    const stored = await this.repository.storedUpdates(chosen.map((g) => ids.get(g)!));
    const releaseSuite = release.suites.find((s) => isReleaseSuite(s.suite));
    const baselineRun = releaseSuite !== undefined && !releaseSuite.stored;
    // The few distinct release dates and architecture lists, shared by all updates rather than one copy each.
    const shared = new Map<string, string>();
    const sharedArch = new Map<string, string[]>();
    const planned: PlannedUpdate[] = [];
    for (const group of chosen) {
      const { source, version } = group;
      const updateId = ids.get(group)!;
      const before = stored.get(updateId);
      if (before?.expired) continue; // expiry is final: a version listed again stays expired
      const supersedes = [...(versionsBySource.get(source) ?? new Map<string, string>())]
        .filter(([other]) => compareDebianVersions(other, version) < 0)
        .map(([, id]) => id)
        .sort();
      const packages = group.packages.sort((a, b) =>
        a.package === b.package ? (a.architecture < b.architecture ? -1 : 1) : a.package < b.package ? -1 : 1,
      );
      const suites = group.suites;
      const security = suites.some((s) => s.suite.endsWith('-security') || /security/i.test(s.facts.label));
      const builtFor = new Set(packages.map((p) => p.architecture).filter((a) => a !== 'all'));
      const archList = (builtFor.size ? settings.architectures.filter((a) => builtFor.has(a)) : [...settings.architectures]).sort();
      const archKey = archList.join(' ');
      let arch = sharedArch.get(archKey);
      if (!arch) sharedArch.set(archKey, (arch = archList));
      let releasedAt = before?.releasedAt ?? new Date(Math.min(...suites.map((s) => s.facts.date.getTime()))).toISOString().replace(/\.\d{3}Z$/, 'Z');
      releasedAt = shared.get(releasedAt) ?? (shared.set(releasedAt, releasedAt), releasedAt);
      const update: PlannedUpdate = {
        updateId, revision: before?.currentRevision ?? 1, contentHash: '', isNew: !before, newRevision: !before,
        baseline: baselineRun && suites.includes(releaseSuite), release, source, version, packages, arch, supersedes, security, releasedAt,
      };
      update.contentHash = contentHash(buildItem(update, update.revision));
      if (before && update.contentHash !== before.contentHash) {
        update.revision = before.currentRevision + 1;
        update.contentHash = contentHash(buildItem(update, update.revision));
        update.newRevision = true;
      }
      planned.push(update);
    }
    return planned;
  }
}

/**
 * Adds a binary to its source version's group. One copy per package and architecture: from an
 * update suite before the release suite, then in configuration order.
 */
function addBinary(groups: Map<string, SourceGroup>, binary: BinaryStanza, planned: PlannedBinary): void {
  const key = `${binary.source} ${binary.sourceVersion}`;
  let group = groups.get(key);
  if (!group) groups.set(key, (group = { source: binary.source, version: binary.sourceVersion, packages: [], suites: [] }));
  if (!group.suites.includes(planned.suite)) group.suites.push(planned.suite);
  const held = group.packages.findIndex((p) => p.package === planned.package && p.architecture === planned.architecture);
  if (held < 0) group.packages.push(planned);
  else if (suiteOrder(planned.suite) < suiteOrder(group.packages[held].suite)) group.packages[held] = planned;
}

/** The catalog item of a planned update at a revision. */
function buildItem(u: PlannedUpdate, revision: number): UpdateRevisionData {
  const { release } = u;
  return {
    applicability: {
      arch: [...u.arch],
      ...(OS_VERSION_PATTERN.test(release.osVersion) ? { minOsVersion: release.osVersion } : {}),
      osFamily: [release.osFamily],
    },
    classification: (u.security ? 'security' : 'update') as Classification,
    cves: [],
    description: truncate(
      `${u.source} ${u.version} for ${release.origin} ${release.osVersion || release.codename} (${release.codename}); binary packages: ` +
        [...new Set(u.packages.map((p) => p.package))].join(', '),
      4000,
    ),
    files: u.packages.map((binary) => {
      const filename = binary.filename;
      return {
        name: filename.slice(filename.lastIndexOf('/') + 1),
        sha256: binary.sha256,
        size: binary.size,
        url: `${binary.suite.baseUrl}/${filename}`,
      };
    }),
    installBehavior: { reboot: 'maybe', userInput: false },
    kb: [],
    prerequisites: [],
    products: [release.product],
    releasedAt: u.releasedAt,
    requiresEula: false,
    revision,
    severity: null,
    state: 'active',
    supersedes: [...u.supersedes],
    title: `${u.source} ${u.version}`,
    updateId: u.updateId,
  };
}

/** Update suites first (their copy of a binary stays put when a point release also lists it), then configuration order. */
const suiteOrder = (suite: ReadSuite) => (isReleaseSuite(suite.suite) ? 1_000_000 : 0) + suite.rank;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function parseStored(stored: StoredSuite): ReleaseFacts {
  const facts = parseRelease(stored.releaseText);
  if ('problem' in facts) throw new UpstreamRefusedError(`stored Release of ${stored.suite} is unreadable: ${facts.problem}`);
  return facts;
}

/** The signed hashes of the indexes this upstream reads from a suite: equal digests, nothing to fetch. */
function indexDigest(facts: ReleaseFacts, source: AptSource, settings: AptUpstreamSettings): string {
  const lines: string[] = [];
  for (const component of source.components) {
    for (const arch of [...settings.architectures, 'all']) {
      for (const file of ['Packages', 'Packages.gz', 'Packages.xz']) {
        const entry = facts.sha256.get(`${component}/binary-${arch}/${file}`);
        if (entry) lines.push(`${component}/binary-${arch}/${file} ${entry.sha256} ${entry.size}`);
      }
    }
  }
  return `${facts.allInArchIndexes} ${settings.architectures.join(',')} ${settings.sourcePackages.join(',')}\n${lines.join('\n')}`;
}

/** Suites grouped by release: the same origin and codename (`bookworm`, `bookworm-updates`, `bookworm-security` → debian/bookworm). */
function groupReleases(suites: ReadSuite[]): ReleaseGroup[] {
  const byKey = new Map<string, ReadSuite[]>();
  for (const suite of suites) {
    const key = releaseKeyOf(suite.facts, suite.suite);
    byKey.set(key, [...(byKey.get(key) ?? []), suite]);
  }
  return [...byKey].map(([key, members]) => {
    const main = members.find((s) => isReleaseSuite(s.suite)) ?? members[0];
    const origin = main.facts.origin || 'Debian';
    const osFamily = familyOf(origin);
    const codename = (main.facts.codename || main.suite).split('-')[0];
    const versions = [main, ...members].map((s) => osVersionOf(osFamily, s.facts.version)).filter(Boolean);
    const osVersion = versions[0] ?? '';
    return { key, osFamily, origin, label: main.facts.label, codename, osVersion, product: `${origin}/${origin} ${osVersion || codename}`, suites: members };
  });
}

function familyOf(origin: string): string {
  return origin.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'debian';
}

function releaseKeyOf(facts: ReleaseFacts, suite: string): string {
  return `${familyOf(facts.origin || 'Debian')}/${(facts.codename || suite).split('-')[0]}`;
}

/** The OS version computers report (`VERSION_ID`): Debian `12` (its Release says 12.15 or 12-updates), Ubuntu `24.04`. */
function osVersionOf(osFamily: string, version: string): string {
  const match = (osFamily === 'debian' ? /^(\d+)/ : /^(\d+(?:\.\d+)?)/).exec(version);
  return match ? match[1] : '';
}

function acceptedSuite(suite: ReadSuite, release: ReleaseGroup): AcceptedSuite {
  return {
    baseUrl: suite.baseUrl, suite: suite.suite, releaseKey: release.key, origin: suite.facts.origin, label: suite.facts.label,
    suiteName: suite.facts.suite, codename: suite.facts.codename, version: suite.facts.version, components: suite.facts.components,
    architectures: suite.facts.architectures, releaseDate: suite.facts.date, validUntil: suite.facts.validUntil, releaseText: suite.text,
    releaseSha256: suite.sha256, etag: suite.etag, lastModified: suite.lastModified,
  };
}

