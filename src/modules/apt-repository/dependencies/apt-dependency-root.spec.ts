import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishedBinary, SuiteContent } from '../publication/release-builder';
import { AptDependencyRoot, removeLeftoverRoots } from './apt-dependency-root';

const binary = (name: string, version: string, depends?: string, architecture = 'amd64'): PublishedBinary => ({
  package: name,
  version,
  architecture,
  stanza: `Package: ${name}\nVersion: ${version}\nArchitecture: ${architecture}\n${depends ? `Depends: ${depends}\n` : ''}Filename: pool/${'0'.repeat(64)}/${name}_${version}_${architecture}.deb\nSize: 1000\nSHA256: ${'1'.repeat(64)}\nDescription: ${name}\n`,
});

const suite = (name: string, binaries: PublishedBinary[]): SuiteContent => ({
  suite: name,
  codename: name,
  origin: 'Patchgate',
  label: 'Patchgate debian bookworm',
  architectures: ['amd64', 'arm64'],
  components: new Map([['main', binaries]]),
});

/**
 * One root answering check after check (the service keeps one per release and architecture): every
 * answer must be the one a fresh root would give for the same suites, whatever came before.
 */
describe('AptDependencyRoot (the real apt, one root reused)', () => {
  const baseline = suite('bookworm', [binary('libbar1', '1.0-1'), binary('hello', '1.0-1', 'libbar1 (>= 1.0)'), binary('tool', '1.0-1', 'hello', 'arm64')]);
  const helloNeedsBar2 = binary('hello', '2.0-1', 'libbar1 (>= 2.0)');
  const alone = suite('bookworm-approved', [helloNeedsBar2]);
  const withBar2 = suite('bookworm-approved', [helloNeedsBar2, binary('libbar1', '2.0-1')]);
  let root: AptDependencyRoot;

  beforeAll(async () => {
    root = await AptDependencyRoot.open('amd64', [baseline]);
  });

  afterAll(async () => {
    await root?.close();
  });

  it('follows the candidate suite as it changes, back to an earlier content too', async () => {
    const unmet = /hello : Depends: libbar1 \(>= 2\.0\) but it is not going to be installed/;
    const first = await root.check([alone], ['hello=2.0-1']);
    expect(first.installable).toBe(false);
    expect(first.unmet.join('\n')).toMatch(unmet);
    expect(await root.check([withBar2], ['hello=2.0-1'])).toEqual({ installable: true, unmet: [] });
    // The same content as the first check again, within the same second: apt must not keep the lists of the second.
    const again = await root.check([alone], ['hello=2.0-1']);
    expect(again.installable).toBe(false);
    expect(again.unmet.join('\n')).toMatch(unmet);
    // Unchanged candidates: the same answer without reading anything again.
    expect(await root.check([alone], ['hello=2.0-1'])).toEqual(again);
    expect(await root.check([withBar2], ['hello=2.0-1', 'libbar1=2.0-1'])).toEqual({ installable: true, unmet: [] });
  });

  it('forgets a candidate suite left out of a check', async () => {
    expect(await root.check([withBar2], ['libbar1=2.0-1'])).toEqual({ installable: true, unmet: [] });
    const without = await root.check([], ['libbar1=2.0-1']);
    expect(without.installable).toBe(false);
    expect(without.unmet.join('\n')).toMatch(/Version '2\.0-1' for 'libbar1' was not found/);
    // The baseline stays: its own version is still there.
    expect(await root.check([], ['hello=1.0-1'])).toEqual({ installable: true, unmet: [] });
  });

  it('answers checks asked at the same time one after the other, each against its own candidates', async () => {
    const answers = await Promise.all([
      root.check([alone], ['hello=2.0-1']),
      root.check([withBar2], ['hello=2.0-1']),
      root.check([alone], ['hello=2.0-1']),
      root.check([withBar2], ['hello=2.0-1']),
    ]);
    expect(answers.map((a) => a.installable)).toEqual([false, true, false, true]);
  });

  it('reads only its own architecture (and all) from the suites', async () => {
    const missing = await root.check([], ['tool=1.0-1']);
    expect(missing.installable).toBe(false);
    expect(missing.unmet.join('\n')).toMatch(/Unable to locate package tool|Version '1\.0-1' for 'tool' was not found/);
    const arm = await AptDependencyRoot.open('arm64', [suite('bookworm', [binary('hello', '1.0-1', undefined, 'arm64'), binary('tool', '1.0-1', 'hello', 'arm64')])]);
    try {
      expect(await arm.check([], ['tool=1.0-1'])).toEqual({ installable: true, unmet: [] });
    } finally {
      await arm.close();
    }
  });

  it('is not reused once a check failed, and is removed from disk when closed', async () => {
    const other = await AptDependencyRoot.open('amd64', [baseline]);
    expect(existsSync(other.path)).toBe(true);
    await expect(other.check([suite('bookworm', [])], ['hello=1.0-1'])).rejects.toThrow(/name of a fixed suite/);
    expect(other.usable).toBe(false);
    await expect(other.check([], ['hello=1.0-1'])).rejects.toThrow(/closed or failed/);
    await other.close();
    expect(existsSync(other.path)).toBe(false);
  });
});

describe('removeLeftoverRoots', () => {
  it('removes the roots of processes that are gone and keeps those of running ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-leftover-test-'));
    try {
      const gone = spawnSync('true').pid!;
      for (const name of [`pg-apt-depcheck-${gone}-abc`, `pg-apt-depcheck-${process.pid}-def`, `pg-apt-depcheck-1-ghi`, 'pg-apt-other-1']) mkdirSync(join(dir, name));
      expect(removeLeftoverRoots(dir)).toBe(1);
      expect(existsSync(join(dir, `pg-apt-depcheck-${gone}-abc`))).toBe(false);
      expect(existsSync(join(dir, `pg-apt-depcheck-${process.pid}-def`))).toBe(true);
      // pid 1 runs (as another user or not): its roots stay.
      expect(existsSync(join(dir, 'pg-apt-depcheck-1-ghi'))).toBe(true);
      expect(existsSync(join(dir, 'pg-apt-other-1'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
