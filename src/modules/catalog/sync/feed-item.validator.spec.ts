import canonicalize from 'canonicalize';
import { checkFeedItem, contentHash, FeedPageLocation, MalformedPageError, normalizeFeedItem, parseFeedPage, readFeedItem } from './feed-item.validator';
import { UpdateRevisionData } from '../update-revision';

const HTTP_PAGE = new FeedPageLocation('https://mirror.example.com/feed/page-0003.json');
const FILE_PAGE = new FeedPageLocation('file:///srv/feed/index.json');

function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    updateId: '1708c88d-34ab-50e5-84e2-7294aec08871',
    revision: 1,
    title: '2026-10 Cumulative Update for Windows Server 2019 for x64-based Systems (KB5082593)',
    description: 'Install this update to resolve issues in Windows.',
    kb: ['KB5082593'],
    cves: ['CVE-2026-29673'],
    classification: 'security',
    products: ['Windows/Windows Server 2019'],
    severity: 'critical',
    releasedAt: '2026-10-13T17:00:00Z',
    supersedes: ['fdb8576c-b3db-5dc2-a87e-1853e8a187d0'],
    prerequisites: [],
    installBehavior: { reboot: 'always', userInput: false },
    requiresEula: false,
    files: [{ name: 'kb5082593.msu', url: 'https://updates.example.invalid/kb5082593.msu', sha256: 'a'.repeat(64), size: 658801486 }],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.17763' },
    state: 'active',
    ...overrides,
  };
}

const reasons = (value: unknown, page = HTTP_PAGE) => checkFeedItem(value, page).errors;

describe('feed page envelope', () => {
  it('accepts items and a string or null nextCursor', () => {
    expect(parseFeedPage('{"items":[],"nextCursor":null}')).toEqual({ items: [], nextCursor: null });
    expect(parseFeedPage(Buffer.from('{"items":[1],"nextCursor":"page-0002.json","extra":true}'))).toEqual({ items: [1], nextCursor: 'page-0002.json' });
  });

  it.each([
    ['{"items": [', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"nextCursor": null}', /items is missing/],
    ['{"items": {}, "nextCursor": null}', /items is not an array/],
    ['{"items": []}', /nextCursor is missing/],
    ['{"items": [], "nextCursor": ""}', /neither a non-empty string nor null/],
    ['{"items": [], "nextCursor": 2}', /neither a non-empty string nor null/],
  ])('refuses %s', (body, message) => {
    expect(() => parseFeedPage(body)).toThrow(MalformedPageError);
    expect(() => parseFeedPage(body)).toThrow(message);
  });

  it('does not quote the page content in its error', () => {
    expect(() => parseFeedPage('{"secret-looking": "hunter2", oops}')).toThrow(/^page is not valid JSON( \(at byte \d+\))?$/);
  });
});

describe('feed item checks', () => {
  it('accepts a valid item, relative file URLs included', () => {
    expect(reasons(item())).toEqual([]);
    expect(reasons(item({ files: [{ name: 'a.sh', url: 'payloads/a.sh', sha256: 'b'.repeat(64), size: 1 }] }))).toEqual([]);
    expect(reasons(item({ severity: null, applicability: { osFamily: ['linux'], arch: ['x64'], minOsVersion: null } }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing sha256', { files: [{ name: 'a.msu', url: 'https://x.invalid/a.msu', size: 1 }] }, 'files[0].sha256: missing'],
    ['an upper-case sha256', { files: [{ name: 'a.msu', url: 'https://x.invalid/a.msu', sha256: 'A'.repeat(64), size: 1 }] }, 'files[0].sha256: not 64 lowercase hex digits'],
    ['an unknown classification', { classification: 'hotfix' }, 'classification: unknown value "hotfix"'],
    ['a bad uuid', { updateId: 'not-a-uuid' }, 'updateId: not a uuid: "not-a-uuid"'],
    ['revision 0', { revision: 0 }, 'revision: not an integer between 1 and 2147483647'],
    ['a revision too large to store', { revision: 2 ** 31 }, 'revision: not an integer between 1 and 2147483647'],
    ['a blank title', { title: '  ' }, 'title: empty'],
    ['a NUL character', { description: 'a\u0000b' }, 'description: contains a NUL character'],
    ['a malformed KB', { kb: ['5082593'] }, 'kb[0]: malformed value "5082593"'],
    ['no product', { products: [] }, 'products: empty'],
    ['a malformed product path', { products: ['Windows//Server'] }, 'products[0]: malformed value "Windows//Server"'],
    ['a missing severity key', { severity: undefined }, 'severity: missing'],
    ['a date without Z', { releasedAt: '2026-10-13T17:00:00' }, 'releasedAt: not an ISO-8601 UTC date-time (…Z)'],
    ['an impossible date', { releasedAt: '2026-02-30T17:00:00Z' }, 'releasedAt: not a real date-time'],
    ['a self-supersedence', { supersedes: ['1708C88D-34AB-50E5-84E2-7294AEC08871'] }, 'supersedes: references the update itself'],
    ['a duplicate file name', { files: [1, 2].map(() => ({ name: 'a.msu', url: 'https://x.invalid/a.msu', sha256: 'c'.repeat(64), size: 1 })) }, 'files[1].name: duplicate file name "a.msu"'],
    ['a file name with a path', { files: [{ name: '../a.msu', url: 'https://x.invalid/a.msu', sha256: 'c'.repeat(64), size: 1 }] }, 'files[0].name: not a bare file name'],
    ['a file: URL in an http feed', { files: [{ name: 'a.msu', url: 'file:///etc/passwd', sha256: 'c'.repeat(64), size: 1 }] }, 'files[0].url: file: URL in a feed that is not itself file:'],
    ['an ftp URL', { files: [{ name: 'a.msu', url: 'ftp://x.invalid/a.msu', sha256: 'c'.repeat(64), size: 1 }] }, 'files[0].url: unsupported scheme ftp:'],
    ['an empty arch list', { applicability: { osFamily: ['windows'], arch: [] } }, 'applicability.arch: empty'],
    ['a non-numeric minOsVersion', { applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '24H2' } }, 'applicability.minOsVersion: not a dotted numeric version'],
    ['an unknown state', { state: 'withdrawn' }, 'state: unknown value "withdrawn"'],
  ])('records %s as `field: problem`', (_name, overrides, reason) => {
    // Through JSON, as items arrive: an `undefined` override is a missing key.
    expect(reasons(JSON.parse(JSON.stringify(item(overrides))))).toEqual([reason]);
  });

  it('lists every problem of an item, and names the updateId only when it is a string', () => {
    expect(readFeedItem(item({ classification: 'hotfix', title: '' }), HTTP_PAGE)).toEqual({
      ok: false,
      updateId: '1708c88d-34ab-50e5-84e2-7294aec08871',
      reason: 'title: empty; classification: unknown value "hotfix"',
    });
    expect(readFeedItem('not an item', HTTP_PAGE)).toEqual({ ok: false, updateId: null, reason: 'item: not a JSON object' });
    expect(readFeedItem(item({ updateId: 42 }), HTTP_PAGE)).toMatchObject({ ok: false, updateId: null });
  });

  it('accepts file: URLs in a file: feed', () => {
    expect(reasons(item({ files: [{ name: 'a.sh', url: 'file:///srv/feed/payloads/a.sh', sha256: 'c'.repeat(64), size: 1 }] }), FILE_PAGE)).toEqual([]);
  });
});

describe('normalized feed items', () => {
  it('keep only the documented fields, lowercase ids and absolute file URLs', () => {
    const normalized = normalizeFeedItem(
      item({
        updateId: '1708C88D-34AB-50E5-84E2-7294AEC08871',
        supersedes: ['FDB8576C-B3DB-5DC2-A87E-1853E8A187D0'],
        vendorExtension: { anything: true },
        files: [{ name: 'a.sh', url: '../payloads/a.sh', sha256: 'd'.repeat(64), size: 3, mirror: 'x' }],
        applicability: { osFamily: ['linux'], arch: ['x64'], minOsVersion: null },
      }) as unknown as UpdateRevisionData,
      HTTP_PAGE,
    );
    expect(normalized.updateId).toBe('1708c88d-34ab-50e5-84e2-7294aec08871');
    expect(normalized.supersedes).toEqual(['fdb8576c-b3db-5dc2-a87e-1853e8a187d0']);
    expect(normalized).not.toHaveProperty('vendorExtension');
    expect(normalized.files).toEqual([{ name: 'a.sh', sha256: 'd'.repeat(64), size: 3, url: 'https://mirror.example.com/payloads/a.sh' }]);
    expect(normalized.applicability).toEqual({ arch: ['x64'], osFamily: ['linux'] });
  });

  it('serialize to their RFC 8785 canonical JSON, so key order upstream does not change the hash', () => {
    const original = item();
    const reordered = Object.fromEntries(Object.entries(original).reverse());
    const a = normalizeFeedItem(original as unknown as UpdateRevisionData, HTTP_PAGE);
    const b = normalizeFeedItem(reordered as unknown as UpdateRevisionData, HTTP_PAGE);
    expect(JSON.stringify(a)).toBe(canonicalize(a));
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hash differently when any field differs', () => {
    const base = normalizeFeedItem(item() as unknown as UpdateRevisionData, HTTP_PAGE);
    const changed = normalizeFeedItem(item({ title: 'Another title' }) as unknown as UpdateRevisionData, HTTP_PAGE);
    expect(contentHash(base)).not.toBe(contentHash(changed));
  });
});
