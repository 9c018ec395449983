import { UUID_PATTERN } from '../../../common/validation/is-update-id';
/**
 * The checks a consumer applies to a feed (docs/upstream-feed.md, "Validation"): a page that
 * breaks them fails the sync; an item that breaks them is skipped and recorded. The one copy of
 * these rules: the sync uses it, and so do the feed scripts to prove that what they write is valid.
 * Hand-written rather than class-validator DTOs: a first sync reads 100,000+ items.
 */
import { createHash } from 'node:crypto';
import {
  Applicability,
  CLASSIFICATIONS,
  Classification,
  REBOOT_BEHAVIORS,
  RebootBehavior,
  SEVERITIES,
  Severity,
  UPDATE_STATES,
  UpdateFile,
  UpdateRevisionData,
  UpdateState,
} from '../update-revision';

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
export const KB_PATTERN = /^KB[0-9]+$/;
export const CVE_PATTERN = /^CVE-[0-9]{4}-[0-9]{4,}$/;
export const RELEASED_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
export const OS_VERSION_PATTERN = /^[0-9]+(\.[0-9]+)*$/;
export const PRODUCT_PATTERN = /^[^/\s](?:[^/]*[^/\s])?(?:\/[^/\s](?:[^/]*[^/\s])?)*$/;
const PLATFORM_ID_PATTERN = /^[a-z0-9_-]+$/;
/** `revision` is an int column; a larger number could never be stored. */
const MAX_REVISION = 2_147_483_647;

/** The page envelope is unusable: the sync fails, naming the page. */
export class MalformedPageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPageError';
  }
}

export interface ParsedPage {
  items: unknown[];
  nextCursor: string | null;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the page envelope. Throws MalformedPageError: the sync fails. */
export function parseFeedPage(body: string | Buffer): ParsedPage {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    // V8 quotes the start of the input in its message; the page's content does not belong in the sync log.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new MalformedPageError(`page is not valid JSON${position === undefined ? '' : ` (at byte ${position})`}`);
  }
  if (!isObject(value)) throw new MalformedPageError('page is not a JSON object');
  if (!Array.isArray(value.items)) throw new MalformedPageError(value.items === undefined ? 'page.items is missing' : 'page.items is not an array');
  if (!('nextCursor' in value)) throw new MalformedPageError('page.nextCursor is missing');
  const { nextCursor } = value;
  if (nextCursor !== null && (typeof nextCursor !== 'string' || nextCursor.length === 0)) {
    throw new MalformedPageError('page.nextCursor is neither a non-empty string nor null');
  }
  return { items: value.items, nextCursor };
}

/** Where the page that carries the items was read from; relative file URLs resolve against it. */
export class FeedPageLocation {
  readonly url: URL;
  readonly isFile: boolean;

  constructor(pageUrl: string | URL) {
    this.url = typeof pageUrl === 'string' ? new URL(pageUrl) : pageUrl;
    this.isFile = this.url.protocol === 'file:';
  }
}

export interface ItemCheck {
  /** The item's updateId when it is a string, else null. */
  updateId: string | null;
  /** Empty when the item is valid; each `field: problem`. */
  errors: string[];
}

/**
 * Checks one item. `page` is where the page that carried it was read from: relative file URLs
 * resolve against it, and `file:` URLs are allowed only when the page itself is `file:`.
 */
export function checkFeedItem(value: unknown, page: string | FeedPageLocation): ItemCheck {
  const location = typeof page === 'string' ? new FeedPageLocation(page) : page;
  if (!isObject(value)) return { updateId: null, errors: ['item: not a JSON object'] };
  const errors: string[] = [];
  const fail = (field: string, problem: string): void => {
    errors.push(`${field}: ${problem}`);
  };
  const item = value;
  const updateId = typeof item.updateId === 'string' ? item.updateId : null;

  const stringField = (field: string, source: JsonObject, label = field, nonEmpty = true): void => {
    const v = source[field];
    if (v === undefined) fail(label, 'missing');
    else if (typeof v !== 'string') fail(label, 'not a string');
    else if (nonEmpty && v.trim() === '') fail(label, 'empty');
    else if (v.includes('\u0000')) fail(label, 'contains a NUL character');
  };
  const enumField = (field: string, allowed: readonly string[], label = field, source: JsonObject = item): void => {
    const v = source[field];
    if (v === undefined) fail(label, 'missing');
    else if (typeof v !== 'string' || !allowed.includes(v)) fail(label, `unknown value ${JSON.stringify(v)}`);
  };
  const booleanField = (field: string, source: JsonObject, label = field): void => {
    const v = source[field];
    if (v === undefined) fail(label, 'missing');
    else if (typeof v !== 'boolean') fail(label, 'not a boolean');
  };
  const stringArray = (field: string, source: JsonObject, label: string, pattern: RegExp | null, nonEmpty: boolean): string[] => {
    const v = source[field];
    if (v === undefined) {
      fail(label, 'missing');
      return [];
    }
    if (!Array.isArray(v)) {
      fail(label, 'not an array');
      return [];
    }
    if (nonEmpty && v.length === 0) fail(label, 'empty');
    const out: string[] = [];
    v.forEach((entry: unknown, i) => {
      if (typeof entry !== 'string' || entry.trim() === '') fail(`${label}[${i}]`, 'not a non-empty string');
      else if (pattern && !pattern.test(entry)) fail(`${label}[${i}]`, `malformed value ${JSON.stringify(entry)}`);
      else if (entry.includes('\u0000')) fail(`${label}[${i}]`, 'contains a NUL character');
      else out.push(entry);
    });
    return out;
  };

  if (updateId === null) fail('updateId', item.updateId === undefined ? 'missing' : 'not a string');
  else if (!UUID_PATTERN.test(updateId)) fail('updateId', `not a uuid: ${JSON.stringify(updateId)}`);

  const revision = item.revision;
  if (revision === undefined) fail('revision', 'missing');
  else if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 1 || revision > MAX_REVISION) {
    fail('revision', `not an integer between 1 and ${MAX_REVISION}`);
  }

  stringField('title', item);
  stringField('description', item, 'description', false);
  stringArray('kb', item, 'kb', KB_PATTERN, false);
  stringArray('cves', item, 'cves', CVE_PATTERN, false);
  enumField('classification', CLASSIFICATIONS);
  stringArray('products', item, 'products', PRODUCT_PATTERN, true);

  if (!('severity' in item)) fail('severity', 'missing');
  else if (item.severity !== null && (typeof item.severity !== 'string' || !(SEVERITIES as readonly string[]).includes(item.severity))) {
    fail('severity', `unknown value ${JSON.stringify(item.severity)}`);
  }

  const releasedAt = item.releasedAt;
  if (releasedAt === undefined) fail('releasedAt', 'missing');
  else if (typeof releasedAt !== 'string' || !RELEASED_AT_PATTERN.test(releasedAt)) fail('releasedAt', 'not an ISO-8601 UTC date-time (…Z)');
  else {
    const parsed = new Date(releasedAt);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 19) !== releasedAt.slice(0, 19)) fail('releasedAt', 'not a real date-time');
  }

  for (const field of ['supersedes', 'prerequisites']) {
    const ids = stringArray(field, item, field, UUID_PATTERN, false);
    if (updateId !== null && ids.some((id) => id.toLowerCase() === updateId.toLowerCase())) fail(field, 'references the update itself');
  }

  const installBehavior = item.installBehavior;
  if (installBehavior === undefined) fail('installBehavior', 'missing');
  else if (!isObject(installBehavior)) fail('installBehavior', 'not an object');
  else {
    enumField('reboot', REBOOT_BEHAVIORS, 'installBehavior.reboot', installBehavior);
    booleanField('userInput', installBehavior, 'installBehavior.userInput');
  }

  booleanField('requiresEula', item);

  const files = item.files;
  if (files === undefined) fail('files', 'missing');
  else if (!Array.isArray(files)) fail('files', 'not an array');
  else {
    const names = new Set<string>();
    files.forEach((file: unknown, i) => {
      const label = `files[${i}]`;
      if (!isObject(file)) {
        fail(label, 'not an object');
        return;
      }
      stringField('name', file, `${label}.name`);
      if (typeof file.name === 'string') {
        if (/[/\\]/.test(file.name) || file.name === '.' || file.name === '..') fail(`${label}.name`, 'not a bare file name');
        if (names.has(file.name)) fail(`${label}.name`, `duplicate file name ${JSON.stringify(file.name)}`);
        names.add(file.name);
      }
      stringField('url', file, `${label}.url`);
      if (typeof file.url === 'string' && file.url.trim() !== '') {
        const problem = fileUrlProblem(file.url, location);
        if (problem) fail(`${label}.url`, problem);
      }
      if (file.sha256 === undefined) fail(`${label}.sha256`, 'missing');
      else if (typeof file.sha256 !== 'string' || !SHA256_PATTERN.test(file.sha256)) fail(`${label}.sha256`, 'not 64 lowercase hex digits');
      if (file.size === undefined) fail(`${label}.size`, 'missing');
      else if (typeof file.size !== 'number' || !Number.isSafeInteger(file.size) || file.size < 0) fail(`${label}.size`, 'not an integer >= 0');
    });
  }

  const applicability = item.applicability;
  if (applicability === undefined) fail('applicability', 'missing');
  else if (!isObject(applicability)) fail('applicability', 'not an object');
  else {
    stringArray('osFamily', applicability, 'applicability.osFamily', PLATFORM_ID_PATTERN, true);
    stringArray('arch', applicability, 'applicability.arch', PLATFORM_ID_PATTERN, true);
    const minOsVersion = applicability.minOsVersion;
    if (minOsVersion !== undefined && minOsVersion !== null && (typeof minOsVersion !== 'string' || !OS_VERSION_PATTERN.test(minOsVersion))) {
      fail('applicability.minOsVersion', 'not a dotted numeric version');
    }
  }

  enumField('state', UPDATE_STATES);
  return { updateId, errors };
}

/** Why a file URL is unusable, or null. Resolves relative URLs against the page URL. */
export function fileUrlProblem(url: string, page: string | FeedPageLocation): string | null {
  const location = typeof page === 'string' ? new FeedPageLocation(page) : page;
  let resolved: URL;
  try {
    resolved = new URL(url, location.url);
  } catch {
    return 'not a URL';
  }
  if (resolved.protocol === 'http:' || resolved.protocol === 'https:') return null;
  if (resolved.protocol === 'file:') return location.isFile ? null : 'file: URL in a feed that is not itself file:';
  return `unsupported scheme ${resolved.protocol}`;
}

/** A valid item as the catalog stores it, with the digest that recognises it again. */
export interface NormalizedFeedItem {
  item: UpdateRevisionData;
  /** sha256 (hex) of the canonical JSON of `item`. */
  contentHash: string;
}

export type FeedItemResult = ({ ok: true } & NormalizedFeedItem) | { ok: false; updateId: string | null; reason: string };

/** Validates one item and, when it is valid, normalizes it (see `normalizeFeedItem`). */
export function readFeedItem(value: unknown, page: FeedPageLocation): FeedItemResult {
  const check = checkFeedItem(value, page);
  if (check.errors.length > 0) return { ok: false, updateId: check.updateId, reason: check.errors.join('; ') };
  const item = normalizeFeedItem(value as UpdateRevisionData, page);
  return { ok: true, item, contentHash: contentHash(item) };
}

/**
 * The item as the catalog keeps it: only the documented fields (unknown ones are dropped), uuids
 * in lowercase, file URLs resolved to absolute ones, no `minOsVersion` when it is null. Keys are
 * built in sorted order at every level, so `JSON.stringify` of the result is its canonical JSON
 * (RFC 8785) and equal content always gives equal bytes, whatever the upstream's key order.
 * Call only on an item that passed `checkFeedItem`.
 */
export function normalizeFeedItem(raw: UpdateRevisionData, page: FeedPageLocation): UpdateRevisionData {
  const applicability: Applicability =
    raw.applicability.minOsVersion === undefined || raw.applicability.minOsVersion === null
      ? { arch: [...raw.applicability.arch], osFamily: [...raw.applicability.osFamily] }
      : { arch: [...raw.applicability.arch], minOsVersion: raw.applicability.minOsVersion, osFamily: [...raw.applicability.osFamily] };
  const files: UpdateFile[] = raw.files.map((file) => ({
    name: file.name,
    sha256: file.sha256,
    size: file.size,
    url: new URL(file.url, page.url).href,
  }));
  // Keys in sorted order: see above.
  return {
    applicability,
    classification: raw.classification as Classification,
    cves: [...raw.cves],
    description: raw.description,
    files,
    installBehavior: { reboot: raw.installBehavior.reboot as RebootBehavior, userInput: raw.installBehavior.userInput },
    kb: [...raw.kb],
    prerequisites: raw.prerequisites.map((id) => id.toLowerCase()),
    products: [...raw.products],
    releasedAt: raw.releasedAt,
    requiresEula: raw.requiresEula,
    revision: raw.revision,
    severity: raw.severity as Severity | null,
    state: raw.state as UpdateState,
    supersedes: raw.supersedes.map((id) => id.toLowerCase()),
    title: raw.title,
    updateId: raw.updateId.toLowerCase(),
  };
}

/** sha256 of the canonical JSON of a normalized item. */
export function contentHash(item: UpdateRevisionData): string {
  return createHash('sha256').update(JSON.stringify(item)).digest('hex');
}
