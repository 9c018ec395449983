/**
 * Reading the archive's metadata (docs/debian.md): Release files and Packages indexes, both
 * deb822 ("Field: value", continuation lines start with a blank, stanzas end at an empty line).
 * Only text that passed signature or hash checks reaches these functions.
 */

export interface IndexEntry {
  sha256: string;
  size: number;
}

export interface ReleaseFacts {
  origin: string;
  label: string;
  suite: string;
  codename: string;
  version: string;
  date: Date;
  validUntil: Date | null;
  acquireByHash: boolean;
  /** `No-Support-for-Architecture-all: Packages`: `all` packages are listed in every binary-<arch> index. */
  allInArchIndexes: boolean;
  architectures: string[];
  components: string[];
  /** The `SHA256:` list: path below dists/<suite>/ → hash and size. MD5/SHA1 lists are ignored: they authenticate nothing. */
  sha256: Map<string, IndexEntry>;
}

/** The fields of one stanza; a field's lines are joined with '\n' (first line's value, then the continuation lines as given). */
export function parseFields(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | null = null;
  for (const line of stanza.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current !== null) fields.set(current, `${fields.get(current)}\n${line}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current = line.slice(0, colon).trim();
    fields.set(current, line.slice(colon + 1).trim());
  }
  return fields;
}

/** An RFC 1123 / RFC 2822 date as Release files write it ("Sat, 11 Jul 2026 10:16:37 UTC"). */
function parseReleaseDate(text: string | undefined): Date | null {
  if (!text || text.length > 64) return null;
  const date = new Date(text.replace(/\bUTC$/, 'GMT'));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A Release (the signed text of InRelease). Null fields of a malformed file are reported by the caller. */
export function parseRelease(text: string): ReleaseFacts | { problem: string } {
  const fields = parseFields(text.split(/\n\n/)[0]);
  const date = parseReleaseDate(fields.get('Date'));
  if (!date) return { problem: 'Release has no valid Date field' };
  const validUntilText = fields.get('Valid-Until');
  const validUntil = validUntilText === undefined ? null : parseReleaseDate(validUntilText);
  if (validUntilText !== undefined && !validUntil) return { problem: `Release has an unreadable Valid-Until ${JSON.stringify(validUntilText.slice(0, 64))}` };
  const sha256 = new Map<string, IndexEntry>();
  for (const line of (fields.get('SHA256') ?? '').split('\n')) {
    const match = /^\s*([0-9a-f]{64})\s+(\d{1,15})\s+(\S{1,512})\s*$/.exec(line);
    if (match) sha256.set(match[3], { sha256: match[1], size: Number(match[2]) });
  }
  const words = (name: string) => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
  return {
    origin: fields.get('Origin') ?? '',
    label: fields.get('Label') ?? '',
    suite: fields.get('Suite') ?? '',
    codename: fields.get('Codename') ?? '',
    version: fields.get('Version') ?? '',
    date,
    validUntil,
    acquireByHash: (fields.get('Acquire-By-Hash') ?? '').toLowerCase() === 'yes',
    allInArchIndexes: words('No-Support-for-Architecture-all').includes('Packages'),
    architectures: words('Architectures'),
    components: words('Components'),
    sha256,
  };
}

/**
 * One binary package of a Packages index. Its stanza stays in the index buffer (`start`..`end`)
 * and is decoded only when stored: a first sync holds Debian's 50 MB main index once, not again
 * as strings. `versionAt`, `filenameAt` and `sha256At` are where those fields' values start in
 * the buffer (their lengths are those of the strings), so a caller that keeps many binaries can
 * drop the strings and decode them again when needed (see `apt-archive-reader.ts`).
 */
export interface BinaryStanza {
  package: string;
  version: string;
  architecture: string;
  source: string;
  sourceVersion: string;
  filename: string;
  size: number;
  sha256: string;
  index: Buffer;
  start: number;
  end: number;
  versionAt: number;
  filenameAt: number;
  sha256At: number;
}

/** The stanza as the archive wrote it. */
export const stanzaText = (binary: Pick<BinaryStanza, 'index' | 'start' | 'end'>): string => binary.index.toString('utf8', binary.start, binary.end);

const WANTED = new Set(['Package', 'Version', 'Architecture', 'Filename', 'Size', 'SHA256', 'Source']);
const REQUIRED = ['Package', 'Version', 'Architecture', 'Filename', 'Size', 'SHA256'] as const;
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]{0,199}$/;
const VERSION = /^[A-Za-z0-9.+~:-]{1,200}$/;
const NEWLINE = 10;
const COLON = 58;
const MAX_FIELD_NAME = 40;
/** Longest field value read (the longest one allowed, a Filename, is 1024 bytes): the rest is never decoded. */
const MAX_FIELD_VALUE = 1100;

/** Is byte `c` (read as latin1) white space that `String.prototype.trim` removes from a value's ends? */
const isBlank = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12 || c === 0xa0;

/**
 * Reads one stanza of a Packages index (bytes `start`..`end` of `index`). `Source: name (version)`
 * (binNMUs) gives the source version; no `Source` means the source is the package itself. A
 * stanza that lacks a required field, or whose fields cannot be safely used (a Filename leaving
 * the archive), is a problem: the caller refuses the whole index. The fields read are ASCII by
 * their rules, so they are decoded as latin1 and checked; each value is decoded from its exact
 * (trimmed) bytes, so a string holds nothing but its value.
 */
export function readBinaryStanza(index: Buffer, start: number, end: number): BinaryStanza | { problem: string } {
  const fields = new Map<string, { value: string; at: number }>();
  for (let p = start; p < end; ) {
    let nl = index.indexOf(NEWLINE, p);
    if (nl < 0 || nl > end) nl = end;
    const first = index[p];
    if (first !== 32 && first !== 9) {
      const colon = index.indexOf(COLON, p);
      if (colon > p && colon < nl && colon - p <= MAX_FIELD_NAME) {
        const name = index.toString('latin1', p, colon);
        if (WANTED.has(name)) {
          let a = colon + 1;
          let b = Math.min(nl, colon + 1 + MAX_FIELD_VALUE);
          while (a < b && isBlank(index[a])) a++;
          while (b > a && isBlank(index[b - 1])) b--;
          fields.set(name, { value: index.toString('latin1', a, b), at: a });
        }
      }
    }
    p = nl + 1;
  }
  const missing = REQUIRED.filter((f) => !fields.get(f)?.value);
  const named = fields.get('Package')?.value;
  if (missing.length) return { problem: `stanza${named ? ` of ${named.slice(0, 100)}` : ''} lacks ${missing.join(', ')}` };
  const name = named!;
  const version = fields.get('Version')!;
  const filename = fields.get('Filename')!;
  const size = fields.get('Size')!.value;
  const sha256 = fields.get('SHA256')!;
  const architecture = fields.get('Architecture')!.value;
  if (!PACKAGE_NAME.test(name)) return { problem: `stanza has an invalid Package ${JSON.stringify(name.slice(0, 100))}` };
  if (!VERSION.test(version.value)) return { problem: `stanza of ${name} has an invalid Version` };
  if (!/^[a-z0-9-]{1,40}$/.test(architecture)) return { problem: `stanza of ${name} has an invalid Architecture` };
  if (!/^\d{1,15}$/.test(size)) return { problem: `stanza of ${name} has an invalid Size` };
  if (!/^[0-9a-f]{64}$/.test(sha256.value)) return { problem: `stanza of ${name} has an invalid SHA256` };
  const file = filename.value;
  if (file.length > 1024 || !/^[\x21-\x7e]+$/.test(file) || file.startsWith('/') || file.split('/').includes('..') || !file.endsWith('.deb') || /[?#\\]/.test(file)) {
    return { problem: `stanza of ${name} has an unusable Filename` };
  }
  let source = name;
  let sourceVersion = version.value;
  const sourceField = fields.get('Source')?.value;
  if (sourceField) {
    const match = /^([a-z0-9][a-z0-9+.-]{0,199})(?:\s+\(([^)\s]{1,200})\))?$/.exec(sourceField.slice(0, 420));
    if (!match) return { problem: `stanza of ${name} has an invalid Source` };
    source = match[1];
    if (match[2]) {
      if (!VERSION.test(match[2])) return { problem: `stanza of ${name} has an invalid Source version` };
      sourceVersion = match[2];
    }
  }
  return {
    package: name, version: version.value, architecture, source, sourceVersion, filename: file, size: Number(size), sha256: sha256.value, index, start, end,
    versionAt: version.at, filenameAt: filename.at, sha256At: sha256.at,
  };
}

/** The byte ranges of an index's stanzas, without their separating blank lines. */
export function* stanzaRanges(index: Buffer): Generator<[number, number]> {
  let start = 0;
  while (start < index.length) {
    while (start < index.length && (index[start] === NEWLINE || index[start] === 13)) start++;
    if (start >= index.length) return;
    let end = index.indexOf('\n\n', start);
    if (end < 0) end = index.length;
    let last = end;
    while (last > start && (index[last - 1] === NEWLINE || index[last - 1] === 13)) last--;
    yield [start, last];
    start = end + 2;
  }
}
