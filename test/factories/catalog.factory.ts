import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FeedItem } from '../../scripts/feed/feed-item';
import { configureUpstream, runSync, SyncRun } from '../support/sync';
import { TestApp } from '../support/test-app';

export const SAMPLE_FEED_DIR = resolve(__dirname, '../../config/sample-feed');
export const SAMPLE_FEED_URL = pathToFileURL(join(SAMPLE_FEED_DIR, 'index.json')).href;

export interface FeedPageFile {
  name: string;
  items: FeedItem[];
  nextCursor: string | null;
}

/** The bundled sample feed's pages, read from disk as the sync reads them. */
export function readSampleFeed(directory = SAMPLE_FEED_DIR): FeedPageFile[] {
  const pages: FeedPageFile[] = [];
  let name: string | null = 'index.json';
  while (name !== null) {
    const page = JSON.parse(readFileSync(join(directory, name), 'utf8')) as { items: FeedItem[]; nextCursor: string | null };
    pages.push({ name, items: page.items, nextCursor: page.nextCursor });
    name = page.nextCursor;
  }
  return pages;
}

/** The highest revision of each update among `items`: what the catalog's `updates` must hold. */
export function currentRevisions(items: FeedItem[]): Map<string, FeedItem> {
  const current = new Map<string, FeedItem>();
  for (const item of items) {
    const seen = current.get(item.updateId);
    if (!seen || item.revision > seen.revision) current.set(item.updateId, item);
  }
  return current;
}

/** Writes `pages` (items, valid or not) as a static feed (index.json, page-0002.json, …) in a new temp dir; its file:// URL. */
export function writeFeedDirectory(pages: unknown[][]): string {
  // Under the e2e data dir when there is one: the global teardown removes it.
  const directory = mkdtempSync(join(process.env.PATCHGATE_TEST_DATA_DIR ?? tmpdir(), 'feed-'));
  const name = (i: number) => (i === 0 ? 'index.json' : `page-${String(i + 1).padStart(4, '0')}.json`);
  pages.forEach((items, i) => {
    writeFileSync(join(directory, name(i)), JSON.stringify({ items, nextCursor: i + 1 < pages.length ? name(i + 1) : null }));
  });
  return pathToFileURL(join(directory, 'index.json')).href;
}

/** A valid feed item; override any field. */
export function feedItem(overrides: Partial<FeedItem> = {}): FeedItem {
  const updateId = overrides.updateId ?? randomUUID();
  return {
    updateId,
    revision: 1,
    title: `Test update ${updateId.slice(0, 8)}`,
    description: 'A test update.',
    kb: [],
    cves: [],
    classification: 'update',
    products: ['Windows/Windows 11'],
    severity: null,
    releasedAt: '2026-10-14T17:00:00Z',
    supersedes: [],
    prerequisites: [],
    installBehavior: { reboot: 'maybe', userInput: false },
    requiresEula: false,
    files: [{ name: `${updateId}.msu`, url: `https://updates.example.invalid/${updateId}.msu`, sha256: 'a'.repeat(64), size: 1024 }],
    applicability: { osFamily: ['windows'], arch: ['x64'], minOsVersion: '10.0.22631' },
    state: 'active',
    ...overrides,
  };
}

/** Fills the catalog through a real sync of the bundled sample feed. */
export async function syncSampleCatalog(app: TestApp, adminToken: string): Promise<SyncRun> {
  await configureUpstream(app, adminToken, { kind: 'feed', url: SAMPLE_FEED_URL });
  const run = await runSync(app, adminToken);
  if (run.status !== 'succeeded') throw new Error(`sample sync failed: ${run.error}`);
  return run;
}

/** Fills the catalog with `pages` of items through a real sync of a file:// feed. */
export async function syncFeedItems(app: TestApp, adminToken: string, pages: unknown[][]): Promise<SyncRun> {
  await configureUpstream(app, adminToken, { kind: 'feed', url: writeFeedDirectory(pages) });
  return runSync(app, adminToken);
}
