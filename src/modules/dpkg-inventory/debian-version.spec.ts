import { spawnSync } from 'node:child_process';
import { compareDebianVersions, parseDebianVersion } from './debian-version';

const PAIRS: [string, string][] = [
  ['1.0', '1.0'], ['1.0', '1.1'], ['1.0-1', '1.0-2'], ['1:1.0', '2.0'], ['1.0~rc1', '1.0'], ['1.0~rc1', '1.0~rc2'],
  ['1.0~~', '1.0~'], ['1.0', '1.0+b1'], ['1.0-1', '1.0-1+deb12u1'], ['3.0.15-1~deb12u1', '3.0.15-1'], ['3.0.15-1~deb12u1', '3.0.14-1'],
  ['1.2.13.dfsg-1', '1.2.13-1'], ['2.36-9+deb12u4', '2.36-9+deb12u10'], ['1.9.13p3-1+deb12u1', '1.9.13p2-1'], ['0.9', '0.10'],
  ['1.01', '1.1'], ['a', 'b'], ['1.0a', '1.0+'], ['1:0', '0:9'], ['12.4+deb12u5', '12.4+deb12u10'], ['1.0-0', '1.0'], ['2:1.0-1', '2:1.0-1'],
];

describe('compareDebianVersions', () => {
  it('orders versions as dpkg --compare-versions does', () => {
    for (const [a, b] of PAIRS) {
      const dpkgSaysLower = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
      const dpkgSaysEqual = spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0;
      const ours = compareDebianVersions(a, b);
      expect([a, b, Math.sign(ours)]).toEqual([a, b, dpkgSaysEqual ? 0 : dpkgSaysLower ? -1 : 1]);
      expect(Math.sign(compareDebianVersions(b, a)) + Math.sign(ours)).toBe(0);
    }
  });

  it('refuses what is not a version, and anything longer than 128 characters', () => {
    expect(parseDebianVersion('')).toBeNull();
    expect(parseDebianVersion('1.0 beta')).toBeNull();
    expect(parseDebianVersion(`1.${'0'.repeat(200)}`)).toBeNull();
    expect(parseDebianVersion('1:2.3-4')).toEqual({ epoch: 1, upstream: '2.3', revision: '4' });
    expect(() => compareDebianVersions('1.0', 'x y')).toThrow(/not a Debian version/);
  });
});
