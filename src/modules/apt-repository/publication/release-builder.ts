import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** One binary package as a publication lists it: its stanza already republished (see republishStanza). */
export interface PublishedBinary {
  package: string;
  version: string;
  architecture: string;
  stanza: string;
}

export interface SuiteContent {
  /** e.g. `bookworm` (the baseline) or `bookworm-approved` */
  suite: string;
  /** Never changes between publications of a suite (apt refuses a changed Codename). */
  codename: string;
  /** Never change either (same reason). */
  origin: string;
  label: string;
  /** The computer architectures served (`amd64`); `Architecture: all` packages are listed in each. */
  architectures: string[];
  /** component → the binaries in it */
  components: Map<string, PublishedBinary[]>;
}

/** A file under `dists/<suite>/`, with the digest apt checks it against. */
export interface IndexFile {
  /** relative to `dists/<suite>/`, e.g. `main/binary-amd64/Packages.gz` */
  path: string;
  bytes: Buffer;
  sha256: string;
}

export interface BuiltIndexes {
  /** Packages and Packages.gz of every component and architecture */
  files: IndexFile[];
  /** sha256 over the index files' names and digests: equal content, equal digest */
  digest: string;
}

export interface ReleaseTimes {
  date: Date;
  validUntil: Date;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * The Packages indexes of a suite. Stanzas are sorted (package, version, architecture) so the
 * same content always gives the same bytes: publications with equal content share their
 * by-hash files and digest. `gzip: false` leaves out Packages.gz (a local repository that only
 * apt on this machine reads: src/modules/apt-repository/dependencies/apt-dependency-root.ts).
 */
export function buildIndexes(content: SuiteContent, options: { gzip?: boolean } = {}): BuiltIndexes {
  const files: IndexFile[] = [];
  for (const component of [...content.components.keys()].sort()) {
    const binaries = content.components.get(component)!;
    for (const arch of [...content.architectures].sort()) {
      const listed = binaries
        .filter((b) => b.architecture === arch || b.architecture === 'all')
        .sort((a, b) => compareText(a.package, b.package) || compareText(a.version, b.version) || compareText(a.architecture, b.architecture));
      const text = listed.map((b) => (b.stanza.endsWith('\n') ? b.stanza : `${b.stanza}\n`)).join('\n');
      const raw = Buffer.from(text, 'utf8');
      const dir = `${component}/binary-${arch}`;
      files.push({ path: `${dir}/Packages`, bytes: raw, sha256: sha256(raw) });
      if (options.gzip === false) continue;
      // gzip without a timestamp (Node writes mtime 0): the same text always gives the same bytes.
      const gz = gzipSync(raw, { level: 6 });
      files.push({ path: `${dir}/Packages.gz`, bytes: gz, sha256: sha256(gz) });
    }
  }
  return { files, digest: sha256(files.map((f) => `${f.path} ${f.sha256}`).join('\n')) };
}

/**
 * A cheap key of what buildIndexes would make of `content` (no compression): equal keys, equal
 * indexes. Lets a publisher reuse indexes it already built for another group with the same set.
 */
export function indexesKey(content: SuiteContent): string {
  const hash = createHash('sha256');
  hash.update(`${[...content.architectures].sort().join(' ')}\n`);
  for (const component of [...content.components.keys()].sort()) {
    hash.update(`${component}\n`);
    const stanzas = content.components.get(component)!.map((b) => b.stanza).sort();
    for (const stanza of stanzas) hash.update(stanza).update('\0');
  }
  return hash.digest('hex');
}

/** `by-hash` location of an index file (Acquire-By-Hash: yes). */
export function byHashPath(file: IndexFile): string {
  return `${file.path.slice(0, file.path.lastIndexOf('/'))}/by-hash/SHA256/${file.sha256}`;
}

/** RFC 1123 in UTC, as Debian's archive writes it (`Sat, 10 Aug 2024 09:27:16 UTC`). */
export function releaseDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, 'UTC');
}

/** The Release text: identity fields that never change, Date/Valid-Until, and the SHA256 list apt checks. */
export function buildRelease(content: SuiteContent, indexes: BuiltIndexes, times: ReleaseTimes): string {
  const width = Math.max(1, ...indexes.files.map((f) => String(f.bytes.length).length));
  const lines = [
    `Origin: ${content.origin}`,
    `Label: ${content.label}`,
    `Suite: ${content.suite}`,
    `Codename: ${content.codename}`,
    `Date: ${releaseDate(times.date)}`,
    `Valid-Until: ${releaseDate(times.validUntil)}`,
    `Architectures: ${[...content.architectures].sort().join(' ')}`,
    `Components: ${[...content.components.keys()].sort().join(' ')}`,
    'Acquire-By-Hash: yes',
    // Architecture: all packages are listed in every binary-<arch> index; apt need not look for binary-all.
    'No-Support-for-Architecture-all: Packages',
    'SHA256:',
    ...indexes.files.map((f) => ` ${f.sha256} ${String(f.bytes.length).padStart(width)} ${f.path}`),
  ];
  return `${lines.join('\n')}\n`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A stored Release with a new Date and Valid-Until and nothing else changed: the renewal of an
 * idle publication (its indexes and their by-hash files stay as they are).
 */
export function redateRelease(release: string, times: ReleaseTimes): string {
  const dated = release
    .replace(/^Date: .*$/m, `Date: ${releaseDate(times.date)}`)
    .replace(/^Valid-Until: .*$/m, `Valid-Until: ${releaseDate(times.validUntil)}`);
  if (dated === release && !release.includes(`Date: ${releaseDate(times.date)}`)) throw new Error('Release has no Date field');
  return dated;
}
