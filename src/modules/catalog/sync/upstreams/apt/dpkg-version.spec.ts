import { execFileSync } from 'node:child_process';
import { compareDebianVersions } from './dpkg-version';

/** Tricky pairs: epochs, `~`, `+debNuM`, revisions, leading zeros, letters against other characters. */
const PAIRS: [string, string][] = [
  ['1.0', '1.0'],
  ['1.0-1', '1.0'],
  ['1.0', '1.0-0'],
  ['1:1.0', '2.0'],
  ['0:1.0', '1.0'],
  ['1.0~rc1', '1.0'],
  ['1.0~rc1', '1.0~rc2'],
  ['1.0~', '1.0~~'],
  ['1.0~~a', '1.0~~'],
  ['3.0.15-1~deb12u1', '3.0.15-1'],
  ['3.0.15-1~deb12u1', '3.0.13-1~deb12u1'],
  ['1.9.13p3-1+deb12u1', '1.9.13p3-1+deb12u4'],
  ['1.9.13p3-1+deb12u2', '1.9.13p3-1+deb12u10'],
  ['2.36-9+deb12u7', '2.36-9+deb12u10'],
  ['1.2.3-1', '1.2.3-1.1'],
  ['1.2.3-1build1', '1.2.3-1'],
  ['1.2.3-1ubuntu0.22.04.1', '1.2.3-1ubuntu0.22.04.2'],
  ['1.01', '1.1'],
  ['1.001', '1.0001'],
  ['1.0a', '1.0+'],
  ['1.0a', '1.0.'],
  ['1.0+b1', '1.0'],
  ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12'],
  ['10', '9'],
  ['1.2-3-4', '1.2-3'],
  ['2:1.0', '1:9.9'],
  ['1.0-1~bpo12+1', '1.0-1'],
  ['a', 'b'],
  ['1.0.0', '1.0'],
];

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

function dpkgOrder(a: string, b: string): number {
  const holds = (op: string) => {
    try {
      execFileSync('dpkg', ['--compare-versions', a, op, b], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  return holds('lt') ? -1 : holds('eq') ? 0 : 1;
}

describe('compareDebianVersions', () => {
  it.each(PAIRS)('orders %s and %s as dpkg --compare-versions does', (a, b) => {
    const expected = dpkgOrder(a, b);
    expect(sign(compareDebianVersions(a, b))).toBe(expected);
    expect(sign(compareDebianVersions(b, a))).toBe(expected === 0 ? 0 : -expected);
  });
});
