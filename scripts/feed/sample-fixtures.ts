/**
 * Two small broken feeds beside the sample (config/sample-feed/fixtures/), for tests of
 * the consumer's error handling: one whose bad items must be skipped and recorded while
 * the sync goes on, one whose second page is not JSON, which must fail the sync.
 */
import { FeedItem } from './feed-item';
import { nameBasedUuid } from './digests';
import { UBUNTU_RELEASES, windowsOs } from './feed-vocabulary';
import { defenderDefinitionUpdate, edgeUpdate, ubuntuSecurityUpdate, windowsCumulativeUpdate } from './update-families';
import { Prng } from './prng';

export interface FixtureFeed {
  /** Directory under config/sample-feed/fixtures/. */
  name: string;
  description: string;
  /** File name -> exact content. */
  files: Record<string, string>;
  /** What a consumer must make of it. */
  expected: { validItems: number; itemErrors: { updateId: string | null; field: string }[]; syncFails: boolean };
}

function fixtureId(key: string): string {
  return nameBasedUuid(`fixture:${key}`);
}

function page(items: unknown[], nextCursor: string | null): string {
  return `${JSON.stringify({ items, nextCursor }, null, 2)}\n`;
}

export function buildFixtureFeeds(): FixtureFeed[] {
  const rng = new Prng(7);
  const date = new Date('2026-10-13T17:00:00Z');
  const cu = (key: string): FeedItem =>
    windowsCumulativeUpdate(rng, { updateId: fixtureId(key), releasedAt: date }, { os: windowsOs('ws2022'), kb: '5066782', kind: 'security', cves: ['CVE-2026-41001'] });
  const definition = (key: string, version: string): FeedItem =>
    defenderDefinitionUpdate(rng, { updateId: fixtureId(key), releasedAt: date }, { version });
  const kernel = (key: string): FeedItem =>
    ubuntuSecurityUpdate(rng, { updateId: fixtureId(key), releasedAt: date }, { usn: '8101-1', pkg: 'linux', release: UBUNTU_RELEASES[1], n: 7, cves: ['CVE-2026-40210'], severity: 'important' });

  const missingSha = definition('missing-sha256', '1.461.200.0') as unknown as Record<string, unknown>;
  const missingShaFiles = (missingSha.files as Record<string, unknown>[]).map((file, i) => {
    if (i !== 0) return file;
    const { sha256: _sha256, ...rest } = file;
    return rest;
  });
  const unknownClassification = { ...edgeUpdate(rng, { updateId: fixtureId('unknown-classification'), releasedAt: date }, { build: '144.0.3719.82' }), classification: 'hotfix' };
  const badUuid = { ...definition('bad-uuid', '1.461.201.0'), updateId: 'not-a-uuid' };

  const itemErrors: FixtureFeed = {
    name: 'item-errors',
    description: 'Two pages, 3 valid updates and 4 bad items (missing sha256, unknown classification, bad uuid, not an object): the sync succeeds with 3 new updates and 4 item errors.',
    files: {
      'index.json': page([cu('valid-1'), { ...missingSha, files: missingShaFiles }, unknownClassification, badUuid, 'not an item'], 'page-0002.json'),
      'page-0002.json': page([kernel('valid-2'), definition('valid-3', '1.461.202.0')], null),
    },
    expected: {
      validItems: 3,
      itemErrors: [
        { updateId: fixtureId('missing-sha256'), field: 'files[0].sha256' },
        { updateId: fixtureId('unknown-classification'), field: 'classification' },
        { updateId: 'not-a-uuid', field: 'updateId' },
        { updateId: null, field: 'item' },
      ],
      syncFails: false,
    },
  };

  const firstPage = page([cu('malformed-valid-1'), kernel('malformed-valid-2')], 'page-0002.json');
  const malformed: FixtureFeed = {
    name: 'malformed-page',
    description: 'Page 1 is valid (2 updates); page 2 is cut off mid-JSON: the sync fails and names the page.',
    files: {
      'index.json': firstPage,
      'page-0002.json': page([definition('malformed-lost', '1.461.203.0')], null).slice(0, 300),
    },
    expected: { validItems: 2, itemErrors: [], syncFails: true },
  };
  return [itemErrors, malformed];
}
