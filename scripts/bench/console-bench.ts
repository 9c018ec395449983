/**
 * `npm run bench:console`: the web console's size and first load, against a running server
 * (`npm start`; BENCH_URL, BENCH_USER, BENCH_PASSWORD). Prints the build's sizes (raw, gzip,
 * brotli: dist/console) and, over N runs in Debian's Chromium, each with a new empty profile
 * (cold cache) and then a reload (warm cache): time to the login form, and time from "Log in" to
 * the overview with its data. Numbers go to docs/benchmarks.md by hand.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { defaultConsoleDir } from '../../src/infra/http/console-static';

const BASE = process.env.BENCH_URL ?? 'http://127.0.0.1:8530';
const USER = process.env.BENCH_USER ?? 'admin';
const PASSWORD = process.env.BENCH_PASSWORD ?? '';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function buildSizes(): void {
  const dir = join(defaultConsoleDir(), 'assets');
  const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
  const index = readFileSync(join(defaultConsoleDir(), 'index.html'), 'utf8');
  const entry = files.filter((f) => index.includes(f));
  const sum = (names: string[], size: (bytes: Buffer) => number) => names.reduce((total, f) => total + size(readFileSync(join(dir, f))), 0);
  for (const [label, names] of [
    ['entry (index.html script + stylesheet)', entry],
    ['everything (all pages)', files],
  ] as const) {
    console.log(`${label.padEnd(40)} raw ${kib(sum(names, (b) => b.length)).padStart(11)}  gzip ${kib(sum(names, (b) => gzipSync(b, { level: 9 }).length)).padStart(10)}  brotli ${kib(sum(names, (b) => brotliCompressSync(b).length)).padStart(10)}  (${names.length} files)`);
  }
  console.log(`largest chunk: ${files.map((f) => [f, statSync(join(dir, f)).size] as const).sort((a, b) => b[1] - a[1])[0].join(' ')} bytes`);
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model}; Node ${process.version}; server ${BASE}`);
  buildSizes();
  const login: number[] = [];
  const overview: number[] = [];
  const warm: number[] = [];
  let transferred = 0;
  for (let run = 0; run < RUNS; run++) {
    const profile = mkdtempSync(join(tmpdir(), 'patchgate-bench-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    let bytes = 0;
    page.on('requestfinished', (request) => void request.sizes().then((s) => (bytes += s.responseBodySize + s.responseHeadersSize)));
    let start = Date.now();
    await page.goto(`${BASE}/console/`);
    await page.getByRole('textbox', { name: 'Username' }).waitFor();
    login.push(Date.now() - start);
    await page.getByRole('textbox', { name: 'Username' }).fill(USER);
    await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    start = Date.now();
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    overview.push(Date.now() - start);
    transferred = bytes;
    start = Date.now();
    await page.reload();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    warm.push(Date.now() - start);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`cold: login form shown          median ${median(login)} ms  (${login.join(', ')})`);
  console.log(`cold: log in → overview + data  median ${median(overview)} ms  (${overview.join(', ')})`);
  console.log(`warm: reload → overview + data  median ${median(warm)} ms  (${warm.join(', ')})`);
  console.log(`bytes over the wire, cold login + overview (headers included, network idle): ${kib(transferred)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
