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

/** One binary package of a Packages index, with its stanza as the archive wrote it. */
export interface BinaryStanza {
  package: string;
  version: string;
  architecture: string;
  source: string;
  sourceVersion: string;
  filename: string;
  size: number;
  sha256: string;
  stanza: string;
}

const REQUIRED = ['Package', 'Version', 'Architecture', 'Filename', 'Size', 'SHA256'] as const;
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]{0,199}$/;
const VERSION = /^[A-Za-z0-9.+~:-]{1,200}$/;

/**
 * Reads one stanza of a Packages index. `Source: name (version)` (binNMUs) gives the source
 * version; no `Source` means the source is the package itself. A stanza that lacks a required
 * field, or whose fields cannot be safely used (a Filename leaving the archive), is a problem:
 * the caller refuses the whole index.
 */
export function readBinaryStanza(stanza: string): BinaryStanza | { problem: string } {
  const fields = parseFields(stanza);
  const missing = REQUIRED.filter((f) => !fields.get(f));
  if (missing.length) return { problem: `stanza${fields.get('Package') ? ` of ${fields.get('Package')!.slice(0, 100)}` : ''} lacks ${missing.join(', ')}` };
  const name = fields.get('Package')!;
  const version = fields.get('Version')!;
  const filename = fields.get('Filename')!;
  const size = fields.get('Size')!;
  const sha256 = fields.get('SHA256')!;
  if (!PACKAGE_NAME.test(name)) return { problem: `stanza has an invalid Package ${JSON.stringify(name.slice(0, 100))}` };
  if (!VERSION.test(version)) return { problem: `stanza of ${name} has an invalid Version` };
  if (!/^\d{1,15}$/.test(size)) return { problem: `stanza of ${name} has an invalid Size` };
  if (!/^[0-9a-f]{64}$/.test(sha256)) return { problem: `stanza of ${name} has an invalid SHA256` };
  if (filename.length > 1024 || filename.startsWith('/') || filename.split('/').includes('..') || !filename.endsWith('.deb') || /[\s?#\\]/.test(filename)) {
    return { problem: `stanza of ${name} has an unusable Filename` };
  }
  let source = name;
  let sourceVersion = version;
  const sourceField = fields.get('Source');
  if (sourceField) {
    const match = /^([a-z0-9][a-z0-9+.-]{0,199})(?:\s+\(([^)\s]{1,200})\))?$/.exec(sourceField.slice(0, 420));
    if (!match) return { problem: `stanza of ${name} has an invalid Source` };
    source = match[1];
    if (match[2]) {
      if (!VERSION.test(match[2])) return { problem: `stanza of ${name} has an invalid Source version` };
      sourceVersion = match[2];
    }
  }
  return { package: name, version, architecture: fields.get('Architecture')!, source, sourceVersion, filename, size: Number(size), sha256, stanza };
}

/** The stanzas of an index, without their separating blank lines (CRLF tolerated). */
export function* stanzasOf(text: string): Generator<string> {
  const normalized = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  let start = 0;
  while (start < normalized.length) {
    let end = normalized.indexOf('\n\n', start);
    if (end < 0) end = normalized.length;
    const stanza = normalized.slice(start, end).replace(/^\n+/, '');
    if (stanza.trim() !== '') yield stanza.endsWith('\n') ? stanza.slice(0, -1) : stanza;
    start = end + 2;
  }
}
