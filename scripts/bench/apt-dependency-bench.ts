/**
 * APT dependency check benchmark (docs/benchmarks.md, "APT repositories: serving"): where the time
 * of one check goes against the full Debian 12 baseline (this machine's apt lists of bookworm main
 * amd64, ~63,000 stanzas), the way every check used to run (a fresh scratch root: baseline and
 * approved suite built, gzipped and written, `apt-get update`, `apt-get -s install`) beside the
 * reused root of src/modules/apt-repository/dependencies/apt-dependency-root.ts (baseline read by
 * apt once; per check only the approved suite written, `apt-get update`, `apt-get -s install`).
 * The approved suite grows by one security update per check, as approving one after the other does.
 * No database: the catalog's rows are stood in for by the lists (the serving bench times the real API).
 *
 *   npm run bench:apt-dependencies [-- --checks 100 --fresh 3 --compare 0 --verbose]
 *
 * `--compare N` runs the first N checks again in a root that asks `apt-get -s install` (the dpkg
 * run simulated after the resolver) and says whether any answer differs.
 *
 * Needs /var/lib/apt/lists of a Debian 12 machine (apt-get update) and /usr/lib/apt/apt-helper.
 * Not a test: figures are read by a person.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { AptDependencyRoot, DependencyCheck } from '../../src/modules/apt-repository/dependencies/apt-dependency-root';
import { ScratchAptRoot } from '../../src/modules/apt-repository/dependencies/scratch-apt-root';
import { fieldValue, parseStanza, republishStanza } from '../../src/modules/apt-repository/publication/control-stanza';
import { buildIndexes, buildRelease, byHashPath, PublishedBinary, SuiteContent } from '../../src/modules/apt-repository/publication/release-builder';

const LISTS = '/var/lib/apt/lists';

interface RawBinary {
  package: string;
  version: string;
  architecture: string;
  source: string;
  stanza: string;
  pool: string;
}

function readList(file: string): RawBinary[] {
  const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', join(LISTS, file)], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  return text
    .split(/\n\n+/)
    .filter((s) => s.trim())
    .map((stanza) => {
      const fields = parseStanza(stanza);
      const filename = fieldValue(fields, 'Filename')!;
      const pkg = fieldValue(fields, 'Package')!;
      return {
        package: pkg,
        version: fieldValue(fields, 'Version')!,
        architecture: fieldValue(fields, 'Architecture')!,
        source: (fieldValue(fields, 'Source') ?? pkg).split(' ')[0],
        stanza,
        pool: `pool/${fieldValue(fields, 'SHA256')!}/${filename.slice(filename.lastIndexOf('/') + 1)}`,
      };
    });
}

/** What aptSuiteContent does with the catalog's rows: every stanza republished into the pool. */
const suite = (name: string, binaries: RawBinary[]): SuiteContent => ({
  suite: name,
  codename: name,
  origin: 'Patchgate',
  label: 'Patchgate debian bookworm',
  architectures: ['amd64'],
  components: new Map([['main', binaries.map((b): PublishedBinary => ({ package: b.package, version: b.version, architecture: b.architecture, stanza: republishStanza(b.stanza, b.pool) }))]]),
});

/** CPU time of this process and of its waited-for children (apt), in ms. */
function cpu(): { node: number; apt: number } {
  const usage = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { node: (usage.user + usage.system) / 1000, apt: (Number(fields[13]) + Number(fields[14])) * 10 };
}

class Phases {
  readonly wall = new Map<string, number[]>();
  readonly cpu = new Map<string, number[]>();

  async time<T>(name: string, work: () => T | Promise<T>): Promise<T> {
    const before = cpu();
    const started = process.hrtime.bigint();
    const result = await work();
    const after = cpu();
    this.push(this.wall, name, Number(process.hrtime.bigint() - started) / 1e6);
    this.push(this.cpu, name, after.node - before.node + after.apt - before.apt);
    return result;
  }

  print(title: string): void {
    console.log(title);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    let wall = 0;
    let cpuTotal = 0;
    for (const [name, xs] of this.wall) {
      const c = mean(this.cpu.get(name)!);
      wall += mean(xs);
      cpuTotal += c;
      console.log(`  ${name.padEnd(52)} ${mean(xs).toFixed(0).padStart(6)} ms wall  ${c.toFixed(0).padStart(6)} ms cpu  (n=${xs.length})`);
    }
    console.log(`  ${'total'.padEnd(52)} ${wall.toFixed(0).padStart(6)} ms wall  ${cpuTotal.toFixed(0).padStart(6)} ms cpu`);
  }

  private push(map: Map<string, number[]>, name: string, value: number): void {
    if (!map.has(name)) map.set(name, []);
    map.get(name)!.push(value);
  }
}

/** One check as every check ran before the reused root: a fresh root with everything built and written. */
async function freshRootCheck(phases: Phases, baseline: RawBinary[], approved: RawBinary[], packages: string[]): Promise<boolean> {
  const suites = await phases.time('suite content (republish every stanza)', () => [suite('bookworm', baseline), suite('bookworm-approved', approved)]);
  const indexes = await phases.time('indexes (sort, join, gzip)', () => suites.map((s) => buildIndexes(s)));
  const apt = new ScratchAptRoot({ arch: 'amd64', prefix: 'pg-apt-depbench-' });
  try {
    const repo = join(apt.root, 'repo');
    await phases.time('write the file: repository (Packages, .gz, by-hash)', () => {
      const now = new Date();
      suites.forEach((s, i) => {
        for (const file of indexes[i].files) {
          for (const path of [file.path, byHashPath(file)]) {
            mkdirSync(dirname(join(repo, 'dists', s.suite, path)), { recursive: true });
            writeFileSync(join(repo, 'dists', s.suite, path), file.bytes);
          }
        }
        writeFileSync(join(repo, 'dists', s.suite, 'Release'), buildRelease(s, indexes[i], { date: now, validUntil: new Date(now.getTime() + 3_600_000) }));
      });
      writeFileSync(join(apt.root, 'etc/apt/sources.list.d/candidate.sources'), `Types: deb\nURIs: file:${repo}\nSuites: bookworm bookworm-approved\nComponents: main\nTrusted: yes\n`);
    });
    const update = await phases.time('apt-get update (reads both, builds its cache)', () => apt.exec('apt-get', ['-q', 'update']));
    if (update.code !== 0) throw new Error(update.stderr);
    const install = await phases.time('apt-get -s install', () => apt.exec('apt-get', ['-q', '-s', '-y', 'install', ...packages]));
    return install.code === 0;
  } finally {
    await phases.time('remove the root', () => apt.close());
  }
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const checks = argument('checks', 100);
  const compare = argument('compare', 0);
  const fresh = argument('fresh', 3);
  const verbose = process.argv.includes('--verbose');
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const baseline = readList('deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4');
  const security = readList('deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4');
  // Updates as the catalog has them: one per source version, the first by title.
  const bySource = new Map<string, RawBinary[]>();
  for (const b of security) {
    const title = `${b.source} ${b.version}`;
    if (!bySource.has(title)) bySource.set(title, []);
    bySource.get(title)!.push(b);
  }
  const updates = [...bySource.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, checks).map(([, binaries]) => binaries);
  console.log(`baseline ${baseline.length} stanzas; ${updates.length} updates from bookworm-security (${updates.flat().length} stanzas) approved one after the other`);
  const asked = (update: RawBinary[]) => update.map((b) => `${b.package}=${b.version}`);

  const before = new Phases();
  let installable = 0;
  // The same first updates as the reused root's first checks below.
  for (let i = 0; i < Math.min(fresh, updates.length); i++) {
    if (await freshRootCheck(before, baseline, updates.slice(0, i + 1).flat(), asked(updates[i]))) installable++;
  }
  before.print(`\nfresh root per check (as before), ${Math.min(fresh, updates.length)} checks, ${installable} installable:`);

  const opening = new Phases();
  const root = await opening.time('open (once per baseline version): content, indexes, write, apt-get update', async () => AptDependencyRoot.open('amd64', [suite('bookworm', baseline)]));
  const reused = new Phases();
  const unchanged = new Phases();
  const answers: DependencyCheck[] = [];
  try {
    for (let i = 0; i < updates.length; i++) {
      const candidate = suite('bookworm-approved', updates.slice(0, i + 1).flat());
      const result = await reused.time('check, approved suite changed (write, update, resolve)', () => root.check([candidate], asked(updates[i])));
      const again = await unchanged.time('check, approved suite unchanged (resolve only)', () => root.check([candidate], asked(updates[i])));
      if (JSON.stringify(result) !== JSON.stringify(again)) throw new Error(`two answers for ${asked(updates[i]).join(' ')}`);
      answers.push(result);
      if (verbose) console.log(`  ${asked(updates[i]).join(' ').slice(0, 60).padEnd(60)} ${reused.wall.values().next().value!.at(-1)!.toFixed(0).padStart(6)} ms, again ${unchanged.wall.values().next().value!.at(-1)!.toFixed(0).padStart(6)} ms`);
    }
  } finally {
    await root.close();
  }
  opening.print('\nreused root (apt-get --print-uris install):');
  reused.print(`  per check, ${updates.length} checks, ${answers.filter((a) => a.installable).length} installable:`);
  unchanged.print('  the same check again:');

  // The same checks with the simulated dpkg run (-s) after the resolver: the answers must not differ.
  if (compare > 0) {
    const simulating = await AptDependencyRoot.open('amd64', [suite('bookworm', baseline)], { simulateDpkg: true });
    const simulated = new Phases();
    const differ: string[] = [];
    try {
      for (let i = 0; i < Math.min(compare, updates.length); i++) {
        const candidate = suite('bookworm-approved', updates.slice(0, i + 1).flat());
        const result = await simulated.time('check, approved suite changed (write, update, -s)', () => simulating.check([candidate], asked(updates[i])));
        if (JSON.stringify(result) !== JSON.stringify(answers[i])) differ.push(`${asked(updates[i]).join(' ')}: -s ${JSON.stringify(result)}, --print-uris ${JSON.stringify(answers[i])}`);
      }
    } finally {
      await simulating.close();
    }
    simulated.print(`\nreused root, apt-get -s install (the dpkg run simulated), ${Math.min(compare, updates.length)} checks:`);
    console.log(differ.length ? `answers that differ from --print-uris:\n  ${differ.join('\n  ')}` : `the same answers as --print-uris for all ${Math.min(compare, updates.length)} (installable and apt's lines)`);
  }
  console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
