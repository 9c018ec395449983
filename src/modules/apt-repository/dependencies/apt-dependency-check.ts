import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildIndexes, buildRelease, byHashPath, SuiteContent } from '../publication/release-builder';
import { ScratchAptRoot } from './scratch-apt-root';

export interface DependencyCheck {
  /** true when apt could install every package asked for from the candidate publication */
  installable: boolean;
  /** apt's own lines about what is missing (`libfoo : Depends: libbar (>= 2) but 1 is to be installed`) */
  unmet: string[];
}

const MAX_UNMET_LINES = 50;

/**
 * Asks apt itself whether `packages` (`name=version`) could be installed from a candidate
 * publication — the baseline plus the group's approved suite with the new approval in it — on a
 * machine with nothing installed: `apt-get -s install` in a scratch root reading the suites from a
 * `file:` repository. The repository is written unsigned in the scratch root only (it never
 * leaves this process), so the check needs no key; apt still checks every index against Release.
 */
export async function checkInstallable(suites: SuiteContent[], packages: string[], arch: string): Promise<DependencyCheck> {
  const apt = new ScratchAptRoot({ arch, prefix: 'pg-apt-depcheck-' });
  try {
    const repo = join(apt.root, 'repo');
    const now = new Date();
    for (const suite of suites) {
      const indexes = buildIndexes(suite);
      for (const file of indexes.files) {
        for (const path of [file.path, byHashPath(file)]) {
          mkdirSync(dirname(join(repo, 'dists', suite.suite, path)), { recursive: true });
          writeFileSync(join(repo, 'dists', suite.suite, path), file.bytes);
        }
      }
      writeFileSync(join(repo, 'dists', suite.suite, 'Release'), buildRelease(suite, indexes, { date: now, validUntil: new Date(now.getTime() + 3_600_000) }));
    }
    const components = [...new Set(suites.flatMap((s) => [...s.components.keys()]))];
    writeFileSync(
      join(apt.root, 'etc/apt/sources.list.d/candidate.sources'),
      `Types: deb\nURIs: file:${repo}\nSuites: ${suites.map((s) => s.suite).join(' ')}\nComponents: ${components.join(' ')}\nTrusted: yes\n`,
    );
    const update = await apt.exec('apt-get', ['-q', 'update']);
    if (update.code !== 0) throw new Error(`apt-get update of the candidate publication failed: ${update.stderr.slice(0, 500)}`);
    const install = await apt.exec('apt-get', ['-q', '-s', '-y', 'install', ...packages]);
    if (install.code === 0) return { installable: true, unmet: [] };
    const unmet = `${install.stdout}\n${install.stderr}`
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /: (Pre-)?Depends: |^E: (Unable to locate|Version .* was not found|Unable to correct problems)/.test(line))
      .slice(0, MAX_UNMET_LINES);
    return { installable: false, unmet: unmet.length ? unmet : [install.stderr.trim().slice(0, 500)] };
  } finally {
    apt.close();
  }
}
