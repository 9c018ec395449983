/**
 * Writes a synthetic upstream feed for benchmarks (format: docs/upstream-feed.md).
 *
 *   node dist/scripts/generate-feed.js --updates 100000 --out /tmp/feed100k [--seed 1] [--page-size 100]
 *     [--revisions-percent 10] [--expired-percent 3] [--start-date 2025-01-01] [--pretty]
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_SEED, GenerateFeedOptions, iterateFeedItems, writeFeed } from './feed/feed-generator';
import { FeedItem } from './feed/feed-item';
import { DEFAULT_PAGE_SIZE } from './feed/feed-writer';
import { FeedStats, formatCounts } from './feed/feed-stats';

const USAGE =
  'usage: generate-feed --updates N --out DIR [--seed S] [--page-size P] [--revisions-percent R] ' +
  '[--expired-percent E] [--start-date YYYY-MM-DD] [--pretty]';

interface Args {
  options: GenerateFeedOptions;
  out: string;
  pageSize: number;
  pretty: boolean;
}

function parseArgs(argv: string[]): Args {
  const values = new Map<string, string>();
  let pretty = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === '--pretty') {
      pretty = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument ${arg}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    values.set(match[1], value);
  }
  const known = ['updates', 'out', 'seed', 'page-size', 'revisions-percent', 'expired-percent', 'start-date'];
  for (const key of values.keys()) if (!known.includes(key)) throw new Error(`unknown option --${key}`);

  const integer = (key: string, fallback?: number): number => {
    const raw = values.get(key);
    if (raw === undefined) {
      if (fallback === undefined) throw new Error(`--${key} is required`);
      return fallback;
    }
    if (!/^\d+$/.test(raw)) throw new Error(`--${key} must be a non-negative integer, got ${raw}`);
    return Number(raw);
  };
  const number = (key: string): number | undefined => {
    const raw = values.get(key);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`--${key} must be a number, got ${raw}`);
    return n;
  };
  const out = values.get('out');
  if (!out) throw new Error('--out is required');
  const rawDate = values.get('start-date');
  const startDate = rawDate === undefined ? undefined : new Date(/T/.test(rawDate) ? rawDate : `${rawDate}T00:00:00Z`);
  if (startDate && Number.isNaN(startDate.getTime())) throw new Error(`--start-date is not a date: ${rawDate}`);
  const pageSize = integer('page-size', DEFAULT_PAGE_SIZE);
  if (pageSize < 1) throw new Error('--page-size must be at least 1');
  return {
    options: {
      updates: integer('updates'),
      seed: integer('seed', DEFAULT_SEED),
      revisionsPercent: number('revisions-percent'),
      expiredPercent: number('expired-percent'),
      startDate,
    },
    out,
    pageSize,
    pretty,
  };
}

function* counted(items: Iterable<FeedItem>, stats: FeedStats): Generator<FeedItem> {
  for (const item of items) {
    stats.add(item);
    yield item;
  }
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`generate-feed: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const startedAt = process.hrtime.bigint();
  const stats = new FeedStats();
  const written = await writeFeed(counted(iterateFeedItems(args.options), stats), args.out, args.pageSize, {
    indent: args.pretty ? 2 : 0,
  });
  stats.finish();
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  console.log(`wrote ${written.items} items (${stats.updates} updates, ${stats.revisedUpdates} with a second revision) in ${written.pages} pages`);
  console.log(`  classifications: ${formatCounts(stats.byClassification)}`);
  console.log(`  severities:      ${formatCounts(stats.bySeverity)}`);
  console.log(`  states:          ${formatCounts(stats.byState)}`);
  console.log(`  seed ${args.options.seed}, page size ${args.pageSize}, ${seconds.toFixed(2)} s`);
  console.log(`  first page: ${written.firstPage}`);
  console.log(`  feed URL:   ${pathToFileURL(written.firstPage).href}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
