/**
 * The checks a consumer applies to a feed (docs/upstream-feed.md, "Validation"): a page
 * that breaks them fails the sync; an item that breaks them is skipped and recorded.
 * Used here to prove that what the scripts write is a valid feed.
 */
import { CLASSIFICATIONS, REBOOT_BEHAVIORS, SEVERITIES, UPDATE_STATES } from './feed-item';

export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
export const KB_PATTERN = /^KB[0-9]+$/;
export const CVE_PATTERN = /^CVE-[0-9]{4}-[0-9]{4,}$/;
export const RELEASED_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
export const OS_VERSION_PATTERN = /^[0-9]+(\.[0-9]+)*$/;
export const PRODUCT_PATTERN = /^[^/\s](?:[^/]*[^/\s])?(?:\/[^/\s](?:[^/]*[^/\s])?)*$/;

export class MalformedPageError extends Error {}

export interface ParsedPage {
  items: unknown[];
  nextCursor: string | null;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the page envelope. Throws MalformedPageError: the sync fails. */
export function parseFeedPage(body: string): ParsedPage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new MalformedPageError(`page is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new MalformedPageError('page is not a JSON object');
  if (!Array.isArray(value.items)) throw new MalformedPageError('page.items is not an array');
  if (!('nextCursor' in value)) throw new MalformedPageError('page.nextCursor is missing');
  const { nextCursor } = value;
  if (nextCursor !== null && (typeof nextCursor !== 'string' || nextCursor.length === 0)) {
    throw new MalformedPageError('page.nextCursor is neither a non-empty string nor null');
  }
  return { items: value.items, nextCursor };
}

export interface ItemCheck {
  /** The item's updateId when it is a string, else null. */
  updateId: string | null;
  /** Empty when the item is valid. */
  errors: string[];
}

/**
 * Checks one item. `pageUrl` is the URL of the page that carried it: relative file URLs
 * resolve against it, and `file:` URLs are allowed only when the page itself is `file:`.
 */
export function checkFeedItem(value: unknown, pageUrl: string): ItemCheck {
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
      else out.push(entry);
    });
    return out;
  };

  if (updateId === null) fail('updateId', item.updateId === undefined ? 'missing' : 'not a string');
  else if (!UUID_PATTERN.test(updateId)) fail('updateId', `not a uuid: ${JSON.stringify(updateId)}`);

  const revision = item.revision;
  if (revision === undefined) fail('revision', 'missing');
  else if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 1) fail('revision', 'not an integer >= 1');

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
        const problem = fileUrlProblem(file.url, pageUrl);
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
    stringArray('osFamily', applicability, 'applicability.osFamily', /^[a-z0-9_-]+$/, true);
    stringArray('arch', applicability, 'applicability.arch', /^[a-z0-9_-]+$/, true);
    const minOsVersion = applicability.minOsVersion;
    if (minOsVersion !== undefined && minOsVersion !== null && (typeof minOsVersion !== 'string' || !OS_VERSION_PATTERN.test(minOsVersion))) {
      fail('applicability.minOsVersion', 'not a dotted numeric version');
    }
  }

  enumField('state', UPDATE_STATES);
  return { updateId, errors };
}

/** Why a file URL is unusable, or null. Resolves relative URLs against the page URL. */
export function fileUrlProblem(url: string, pageUrl: string): string | null {
  let resolved: URL;
  try {
    resolved = new URL(url, pageUrl);
  } catch {
    return 'not a URL';
  }
  if (resolved.protocol === 'http:' || resolved.protocol === 'https:') return null;
  if (resolved.protocol === 'file:') {
    return new URL(pageUrl).protocol === 'file:' ? null : 'file: URL in a feed that is not itself file:';
  }
  return `unsupported scheme ${resolved.protocol}`;
}
