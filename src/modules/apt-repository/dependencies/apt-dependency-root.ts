import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BuiltIndexes, buildIndexes, buildRelease, SuiteContent } from '../publication/release-builder';
import { ScratchAptRoot } from './scratch-apt-root';

export interface DependencyCheck {
  /** true when apt could install every package asked for from the candidate publication */
  installable: boolean;
  /** apt's own lines about what is missing (`libfoo : Depends: libbar (>= 2) but 1 is to be installed`) */
  unmet: string[];
}

const MAX_UNMET_LINES = 50;
const MAX_OUTPUT_CHARS = 1_000_000;

/** Scratch roots are named `<prefix><pid>-<random>`: a root whose process is gone is left over from a crash. */
const ROOT_PREFIX = 'pg-apt-depcheck-';

/**
 * One scratch apt root that answers dependency checks for one architecture, reused from check to
 * check (src/modules/apt-repository/dependencies/apt-dependency.service.ts). Its **fixed** suites (a
 * release's baseline, ~63,000 packages for Debian 12) are written and read by `apt-get update` once,
 * when the root is opened; each check writes only its **candidate** suites (the group's approved
 * updates with the new one), and only when they differ from what the previous check wrote. apt
 * re-reads only the indexes whose hash changed in their Release and rebuilds its package cache from
 * the files as they are, so the answer is the one a fresh root would give: apt itself decides
 * against every suite, fixed and candidate, as written.
 *
 * apt is asked `apt-get -y --print-uris install <name>=<version>…`: its resolver marks what the
 * packages need and names what it cannot satisfy (the same `Depends:` lines and exit code 100 as
 * `apt-get -s install`), then prints the .debs' URIs instead of downloading them. `-s` would go on
 * to simulate the dpkg run, which orders the installs and checks every package of the release
 * after each step: seconds for an update with a large closure (8.5 s for atril against Debian 12),
 * and it decides nothing about dependencies (scripts/bench/apt-dependency-bench.ts compares both).
 *
 * Checks on one root run one at a time (a queue). Each candidate Release gets a Date after the
 * previous one (apt keeps its old lists when a Release's Date goes back), and after every
 * `apt-get update` the Release apt keeps in its lists must be the one just written, else the check
 * fails rather than answer from stale lists. A root on which anything failed is not reused
 * (`usable`). The suites are written unsigned in the root only (a `file:` repository that never
 * leaves this process), so the check needs no key; apt still checks every index against Release.
 */
export class AptDependencyRoot {
  private readonly apt: ScratchAptRoot;
  private readonly repo: string;
  private queue: Promise<unknown> = Promise.resolve();
  /** suite → digest of the index files and identity last written for it */
  private readonly written = new Map<string, string>();
  /** suite → the Release text last written for it */
  private readonly releases = new Map<string, string>();
  /** suite → its components */
  private readonly components = new Map<string, string[]>();
  private sources = '';
  private lastDate = 0;
  private failed = false;
  private closed = false;

  private constructor(
    readonly arch: string,
    private readonly fixed: string[],
    private readonly simulateDpkg: boolean,
  ) {
    this.apt = new ScratchAptRoot({
      arch,
      prefix: `${ROOT_PREFIX}${process.pid}-`,
      // Candidate Releases may be dated a few seconds ahead of the clock (one second apart, see nextDate).
      config: ['Acquire::Check-Date "false";'],
    });
    this.repo = join(this.apt.root, 'repo');
  }

  /**
   * A root with its fixed suites written and read by apt. `indexes`: already built index files of a
   * suite (by suite name), to reuse. `simulateDpkg`: ask `apt-get -s install` (apt's resolver, then
   * the simulated dpkg run) instead of `apt-get --print-uris install` (apt's resolver only), for a
   * comparison of the two (scripts/bench/apt-dependency-bench.ts).
   */
  static async open(arch: string, fixed: SuiteContent[], options: { indexes?: Map<string, BuiltIndexes>; simulateDpkg?: boolean } = {}): Promise<AptDependencyRoot> {
    const indexes = options.indexes ?? new Map<string, BuiltIndexes>();
    const root = new AptDependencyRoot(
      arch,
      fixed.map((s) => s.suite),
      options.simulateDpkg ?? false,
    );
    try {
      for (const suite of fixed) root.write(suite, indexes.get(suite.suite));
      root.writeSources(root.fixed);
      await root.update(fixed.map((s) => s.suite));
      return root;
    } catch (error) {
      root.apt.close();
      throw error;
    }
  }

  /** The root's directory (under the system's temporary directory). */
  get path(): string {
    return this.apt.root;
  }

  /** False once a check failed or the root was closed: its state is unknown, open another. */
  get usable(): boolean {
    return !this.failed && !this.closed;
  }

  /**
   * Whether `packages` (`name=version`) could be installed, on a machine with nothing installed,
   * from the fixed suites plus `candidates`. Waits for the checks before it on this root.
   */
  check(candidates: SuiteContent[], packages: string[]): Promise<DependencyCheck> {
    const run = this.queue.then(async () => {
      if (!this.usable) throw new Error('the dependency check root is closed or failed');
      try {
        return await this.checkNow(candidates, packages);
      } catch (error) {
        this.failed = true;
        throw error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Removes the root from disk once the checks already queued on it are done. */
  close(): Promise<void> {
    this.closed = true;
    const done = this.queue.then(() => this.apt.close());
    this.queue = done;
    return done;
  }

  private async checkNow(candidates: SuiteContent[], packages: string[]): Promise<DependencyCheck> {
    const names = candidates.map((s) => s.suite);
    if (names.some((name) => this.fixed.includes(name))) throw new Error('a candidate suite has the name of a fixed suite');
    const changed = candidates.filter((suite) => this.write(suite));
    for (const name of [...this.written.keys()]) {
      if (!this.fixed.includes(name) && !names.includes(name)) {
        this.written.delete(name);
        this.releases.delete(name);
        this.components.delete(name);
        rmSync(join(this.repo, 'dists', name), { recursive: true, force: true });
      }
    }
    const sourcesChanged = this.writeSources([...this.fixed, ...names]);
    if (changed.length || sourcesChanged) await this.update(changed.map((s) => s.suite));
    const install = await this.apt.exec('apt-get', ['-q', '-y', this.simulateDpkg ? '-s' : '--print-uris', 'install', ...packages]);
    if (install.code === 0) return { installable: true, unmet: [] };
    const unmet = `${install.stdout.slice(0, MAX_OUTPUT_CHARS)}\n${install.stderr.slice(0, MAX_OUTPUT_CHARS)}`
      .split('\n')
      .map((line) => line.slice(0, 2000).trim())
      .filter((line) => /: (Pre-)?Depends: |^E: (Unable to locate|Version .* was not found|Unable to correct problems)/.test(line))
      .slice(0, MAX_UNMET_LINES);
    return { installable: false, unmet: unmet.length ? unmet : [install.stderr.trim().slice(0, 500)] };
  }

  /**
   * Writes a suite's `Packages` for this architecture and its Release, unless the same content is
   * already written. True when something was written.
   */
  private write(suite: SuiteContent, built?: BuiltIndexes): boolean {
    const content: SuiteContent = { ...suite, architectures: [this.arch] };
    const wanted = (path: string) => path.endsWith(`/binary-${this.arch}/Packages`);
    const files = (built ?? buildIndexes(content, { gzip: false })).files.filter((f) => wanted(f.path));
    const digest = createHash('sha256')
      .update([content.origin, content.label, content.codename, [...content.components.keys()].sort().join(' ')].join('\n'))
      .update(files.map((f) => `\n${f.path} ${f.sha256}`).join(''))
      .digest('hex');
    if (this.written.get(suite.suite) === digest) return false;
    const dir = join(this.repo, 'dists', suite.suite);
    rmSync(dir, { recursive: true, force: true });
    for (const file of files) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.bytes);
    }
    const date = this.nextDate();
    const release = buildRelease(content, { files, digest }, { date, validUntil: new Date(date.getTime() + 86_400_000) });
    writeFileSync(join(dir, 'Release'), release);
    this.written.set(suite.suite, digest);
    this.releases.set(suite.suite, release);
    this.components.set(suite.suite, [...content.components.keys()]);
    return true;
  }

  /** Whole seconds (as Release writes them), each after the last: apt ignores a Release older than the one it has. */
  private nextDate(): Date {
    this.lastDate = Math.max(Math.floor(Date.now() / 1000) * 1000, this.lastDate + 1000);
    return new Date(this.lastDate);
  }

  private writeSources(suites: string[]): boolean {
    const components = [...new Set(suites.flatMap((name) => this.components.get(name) ?? []))].sort();
    const text = `Types: deb\nURIs: file:${this.repo}\nSuites: ${suites.join(' ')}\nComponents: ${components.join(' ')}\nTrusted: yes\n`;
    if (text === this.sources) return false;
    writeFileSync(join(this.apt.root, 'etc/apt/sources.list.d/candidate.sources'), text);
    this.sources = text;
    return true;
  }

  /** `apt-get update`, then proof that apt keeps the Release just written of each suite in `written`. */
  private async update(written: string[]): Promise<void> {
    const update = await this.apt.exec('apt-get', ['-q', 'update']);
    if (update.code !== 0 || /^E: /m.test(update.stderr.slice(0, MAX_OUTPUT_CHARS))) {
      throw new Error(`apt-get update of the candidate publication failed: ${update.stderr.slice(0, 500)}`);
    }
    const lists = join(this.apt.root, 'var/lib/apt/lists');
    const kept = readdirSync(lists);
    for (const suite of written) {
      const name = kept.find((file) => file.endsWith(`_dists_${suite}_Release`));
      if (!name || readFileSync(join(lists, name), 'utf8') !== this.releases.get(suite)) {
        throw new Error(`apt did not take the Release just written for ${suite}: ${update.stderr.slice(0, 500)}`);
      }
    }
  }
}

/**
 * Removes the scratch roots of processes that are gone (a crash leaves its roots behind); a
 * running process's roots, this one's included, are left alone.
 */
export function removeLeftoverRoots(dir = tmpdir()): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(ROOT_PREFIX)) continue;
    const pid = Number(/^(\d{1,10})-/.exec(name.slice(ROOT_PREFIX.length, ROOT_PREFIX.length + 12))?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
