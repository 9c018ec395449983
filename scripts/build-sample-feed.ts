/**
 * Rebuilds the bundled sample feed, its payloads, its broken-feed fixtures and its README,
 * then reads the result back as a consumer would and checks it.
 *
 *   node dist/scripts/build-sample-feed.js [--out config/sample-feed]     (from the repository root)
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FeedItem } from './feed/feed-item';
import { writeFeed } from './feed/feed-writer';
import { FeedStats, ReferenceSummary, formatCounts, summarizeReferences } from './feed/feed-stats';
import { checkFeedItem, parseFeedPage } from '../src/modules/catalog/sync/feed-item.validator';
import { PAYLOAD_DIRECTORY, SAMPLE_FEED_SEED, SAMPLE_PAGE_SIZE, buildSampleFeed, sampleUpdateId } from './feed/sample-feed';
import { SamplePayload } from './feed/sample-payloads';
import { FixtureFeed, buildFixtureFeeds } from './feed/sample-fixtures';

const FIXTURE_DIRECTORY = 'fixtures';

function outDirFromArgs(argv: string[]): string {
  const i = argv.indexOf('--out');
  if (i >= 0) {
    const value = argv[i + 1];
    if (!value) throw new Error('--out needs a directory');
    return path.resolve(value);
  }
  const inline = argv.find((arg) => arg.startsWith('--out='));
  return path.resolve(inline ? inline.slice('--out='.length) : 'config/sample-feed');
}

/** Replaces a directory's files with exactly `files` (the directory holds nothing else). */
async function writeDirectory(directory: string, files: Record<string, string>, executable: (name: string) => boolean = () => false): Promise<void> {
  await mkdir(directory, { recursive: true });
  for (const name of await readdir(directory)) if (!(name in files)) await rm(path.join(directory, name), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(directory, name);
    await writeFile(file, content);
    await chmod(file, executable(name) ? 0o755 : 0o644);
  }
}

interface ReadBack {
  items: FeedItem[];
  pages: number;
  itemErrors: { updateId: string | null; errors: string[] }[];
  pageUrls: string[];
}

/** Follows nextCursor from the entry point exactly as a consumer of a file:// feed would. */
async function readFeed(entry: string): Promise<ReadBack> {
  const out: ReadBack = { items: [], pages: 0, itemErrors: [], pageUrls: [] };
  let url: string | null = entry;
  while (url !== null) {
    if (out.pageUrls.includes(url)) throw new Error(`nextCursor loops back to ${url}`);
    out.pageUrls.push(url);
    const page = parseFeedPage(await readFile(fileURLToPath(url), 'utf8'));
    out.pages++;
    for (const value of page.items) {
      const check = checkFeedItem(value, url);
      if (check.errors.length > 0) out.itemErrors.push(check);
      else out.items.push(value as FeedItem);
    }
    url = page.nextCursor === null ? null : new URL(page.nextCursor, url).href;
  }
  return out;
}

/** Every relative file URL must resolve to a payload whose digest and size match the feed. */
async function verifyLocalFiles(items: FeedItem[], pageUrls: string[]): Promise<void> {
  for (const item of items) {
    for (const file of item.files) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(file.url)) continue;
      const content = await readFile(fileURLToPath(new URL(file.url, pageUrls[0])));
      const sha256 = createHash('sha256').update(content).digest('hex');
      if (sha256 !== file.sha256 || content.length !== file.size) {
        throw new Error(`${item.updateId} r${item.revision}: ${file.url} does not match its sha256/size`);
      }
    }
  }
}

async function verifyFixture(directory: string, fixture: FixtureFeed): Promise<void> {
  const entry = pathToFileURL(path.join(directory, 'index.json')).href;
  let failed = false;
  let result: ReadBack | null = null;
  try {
    result = await readFeed(entry);
  } catch {
    failed = true;
  }
  if (failed !== fixture.expected.syncFails) throw new Error(`fixture ${fixture.name}: sync ${failed ? 'failed' : 'succeeded'} unexpectedly`);
  if (result) {
    const got = result.itemErrors.map((e) => ({ updateId: e.updateId, field: e.errors[0].split(':')[0] }));
    if (result.items.length !== fixture.expected.validItems || JSON.stringify(got) !== JSON.stringify(fixture.expected.itemErrors)) {
      throw new Error(`fixture ${fixture.name}: got ${result.items.length} valid items and errors ${JSON.stringify(got)}`);
    }
  }
}

function readme(stats: FeedStats, refs: ReferenceSummary, pages: number, items: FeedItem[], payloads: readonly SamplePayload[], fixtures: FixtureFeed[]): string {
  const table = (counts: Map<string, number>, heading: string): string =>
    [`| ${heading} | updates |`, '|---|---:|', ...[...counts].map(([key, n]) => `| \`${key}\` | ${n} |`)].join('\n');
  const payloadRows = payloads.map((payload) => {
    const sha256 = createHash('sha256').update(payload.content).digest('hex');
    const users = [...new Set(items.filter((item) => item.files.some((f) => f.sha256 === sha256)).map((item) => item.title))];
    return `| \`payloads/${payload.name}\` | ${Buffer.byteLength(payload.content)} | \`${sha256}\` | ${users.join('; ')} |`;
  });
  return `# Sample upstream feed

A static upstream feed (format: [docs/upstream-feed.md](../../docs/upstream-feed.md)) of
${stats.updates} updates an administrator would recognise, released between August 2025 and
November 2026: monthly cumulative updates for Windows 10 22H2, Windows 11 23H2/24H2 and
Windows Server 2019/2022/2025 (each superseding the month before), .NET, Office and Edge
updates, Defender definitions, drivers, a service pack, feature packs, tools, upgrades, Ubuntu
22.04/24.04 and macOS security updates. Local mode syncs it on first start
(\`PATCHGATE_SAMPLE_FEED\`); its entry point is \`file://<repository>/config/sample-feed/index.json\`.

Generated — do not edit by hand. Rebuild (deterministic, seed ${SAMPLE_FEED_SEED}) from the repository root:

\`\`\`sh
npm run build && node dist/scripts/build-sample-feed.js
\`\`\`

The script lives in \`scripts/build-sample-feed.ts\` (the updates themselves in
\`scripts/feed/sample-feed.ts\`); it reads the result back as a consumer would and fails on any
invalid item, payload mismatch or fixture surprise.

## Contents

${stats.items} items (update revisions) in ${pages} pages of up to ${SAMPLE_PAGE_SIZE}: \`index.json\`, \`page-0002.json\`, …
${stats.revisedUpdates} updates come in two revisions (revision 2 fixes a title, adds a file or CVEs, raises the
severity, newly requires a EULA, or expires the update); ${stats.byState.get('expired') ?? 0} updates are expired.
${refs.supersedenceChains} supersedence chains (longest: ${refs.longestChain} updates);
${refs.updatesWithPrerequisites} updates have prerequisites (servicing stack, Windows 10 ESU preparation package);
${refs.absentReferences} references point at updates older than the feed, which it does not carry, and
${refs.forwardReferences} at updates published further on (${refs.laterPageReferences} on a later page).
Counts below are over the current (highest) revision of each update.

${table(stats.byClassification, 'classification')}

${table(stats.bySeverity, 'severity')}

${table(stats.byState, 'state')}

## Real payloads

Most files point at \`https://updates.example.invalid/…\` (never resolves) with stand-in
digests. These few are real, referenced by relative URLs (resolved against the page URL), so
content download and verification work offline. Two updates share \`harden-openssl.sh\`:
one stored file, two updates.

| file | bytes | sha256 | used by |
|---|---:|---|---|
${payloadRows.join('\n')}

## Test fixtures

${fixtures.map((f) => `- \`${FIXTURE_DIRECTORY}/${f.name}/index.json\`: ${f.description}`).join('\n')}

Notable update ids: Windows 11 24H2 x64 2026-10 cumulative update \`${sampleUpdateId('cu:win11-24h2-x64:2026-10')}\`;
SQL Server 2022 SP1 (revision 2 newly requires a EULA) \`${sampleUpdateId('service-pack:sql2022:1')}\`;
Diagnostics Collector (real payload, revision 2 adds a file) \`${sampleUpdateId('payload:diagnostics-collector')}\`.
`;
}

async function main(): Promise<void> {
  const outDir = outDirFromArgs(process.argv.slice(2));
  const sample = buildSampleFeed();

  const written = await writeFeed(sample.items, outDir, SAMPLE_PAGE_SIZE, { indent: 2 });
  const payloadFiles = Object.fromEntries(sample.payloads.map((p) => [p.name, p.content]));
  await writeDirectory(path.join(outDir, PAYLOAD_DIRECTORY), payloadFiles, (name) => sample.payloads.some((p) => p.name === name && p.executable));
  const fixtures = buildFixtureFeeds();
  await mkdir(path.join(outDir, FIXTURE_DIRECTORY), { recursive: true });
  for (const fixture of fixtures) await writeDirectory(path.join(outDir, FIXTURE_DIRECTORY, fixture.name), fixture.files);

  // Read everything back the way a consumer would.
  const back = await readFeed(pathToFileURL(written.firstPage).href);
  if (back.itemErrors.length > 0) throw new Error(`sample feed has invalid items: ${JSON.stringify(back.itemErrors.slice(0, 5))}`);
  if (back.items.length !== sample.items.length) throw new Error(`read back ${back.items.length} items, wrote ${sample.items.length}`);
  await verifyLocalFiles(back.items, back.pageUrls);
  for (const fixture of fixtures) await verifyFixture(path.join(outDir, FIXTURE_DIRECTORY, fixture.name), fixture);

  const refs = summarizeReferences(back.items, SAMPLE_PAGE_SIZE);
  // The sample exists to exercise consumers: keep it carrying the awkward cases.
  if (refs.laterPageReferences === 0 || refs.absentReferences === 0) {
    throw new Error('the sample feed must reference an update on a later page and an update it does not carry; adjust scripts/feed/sample-feed.ts');
  }
  const stats = new FeedStats();
  for (const item of back.items) stats.add(item);
  stats.finish();
  await writeFile(path.join(outDir, 'README.md'), readme(stats, refs, written.pages, back.items, sample.payloads, fixtures));

  console.log(`sample feed: ${written.items} items, ${stats.updates} updates, ${written.pages} pages -> ${written.firstPage}`);
  console.log(`  classifications: ${formatCounts(stats.byClassification)}`);
  console.log(`  severities:      ${formatCounts(stats.bySeverity)}`);
  console.log(`  states:          ${formatCounts(stats.byState)}`);
  console.log(`  revised: ${stats.revisedUpdates}, chains: ${refs.supersedenceChains} (longest ${refs.longestChain}), with prerequisites: ${refs.updatesWithPrerequisites}`);
  console.log(`  references: ${refs.absentReferences} absent, ${refs.forwardReferences} forward (${refs.laterPageReferences} to a later page)`);
  console.log(`  payloads: ${sample.payloads.length}, fixtures: ${fixtures.map((f) => f.name).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
