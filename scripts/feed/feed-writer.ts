/**
 * Writes a static feed: `index.json` (the entry point), then `page-0002.json`, ... each
 * `{ items, nextCursor }` with `nextCursor` the next file's name, relative to the page.
 * Pages are written as they fill, so a feed of any size needs one page of memory.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FeedItem, FeedPage } from './feed-item';

export const DEFAULT_PAGE_SIZE = 100;
export const FIRST_PAGE_FILE = 'index.json';

/** File name of page `n` (1-based): index.json, page-0002.json, page-0003.json, ... */
export function pageFileName(n: number): string {
  return n === 1 ? FIRST_PAGE_FILE : `page-${String(n).padStart(4, '0')}.json`;
}

const MAX_WRITES_IN_FLIGHT = 4;
const PAGE_FILE_PATTERN = /^page-\d{4,}\.json$/;

export interface WriteFeedOptions {
  /** JSON indentation; 0 writes compact JSON (the default for large feeds). */
  indent?: number;
}

export interface WrittenFeed {
  pages: number;
  items: number;
  /** Absolute path of index.json. */
  firstPage: string;
}

export async function writeFeed(
  items: Iterable<FeedItem>,
  outDir: string,
  pageSize: number = DEFAULT_PAGE_SIZE,
  options: WriteFeedOptions = {},
): Promise<WrittenFeed> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`page size must be a positive integer, got ${pageSize}`);
  const directory = path.resolve(outDir);
  await mkdir(directory, { recursive: true });
  // A previous, longer feed in the same directory would leave unreachable pages behind.
  for (const name of await readdir(directory)) {
    if (PAGE_FILE_PATTERN.test(name)) await rm(path.join(directory, name));
  }

  const indent = options.indent ?? 0;
  const writePage = async (n: number, pageItems: FeedItem[], isLast: boolean): Promise<void> => {
    const page: FeedPage = { items: pageItems, nextCursor: isLast ? null : pageFileName(n + 1) };
    const json = indent > 0 ? JSON.stringify(page, null, indent) : JSON.stringify(page);
    await writeFile(path.join(directory, pageFileName(n)), `${json}\n`);
  };

  // A few writes in flight keep the disk busy while the next page is built, in bounded memory.
  // Each is held as a promise of its error (or null), so none can reject unobserved.
  const inFlight: Promise<unknown>[] = [];
  const settleOldest = async (): Promise<void> => {
    const error = await inFlight.shift();
    if (error) throw error;
  };
  const enqueue = async (n: number, pageItems: FeedItem[], isLast: boolean): Promise<void> => {
    inFlight.push(writePage(n, pageItems, isLast).then(() => null, (error: unknown) => error ?? new Error('page write failed')));
    if (inFlight.length >= MAX_WRITES_IN_FLIGHT) await settleOldest();
  };

  // A full page is held back until the next item shows whether it is the last one.
  let pages = 0;
  let count = 0;
  let current: FeedItem[] = [];
  for (const item of items) {
    if (current.length === pageSize) {
      pages++;
      await enqueue(pages, current, false);
      current = [];
    }
    current.push(item);
    count++;
  }
  pages++;
  await enqueue(pages, current, true);
  while (inFlight.length > 0) await settleOldest();
  return { pages, items: count, firstPage: path.join(directory, FIRST_PAGE_FILE) };
}
