/**
 * Compares dotted version numbers part by part; a missing part counts as 0, so
 * `15` = `15.0` < `15.0.1` and `10.0.22631` < `10.0.26100` (docs/upstream-feed.md).
 * A part that is not a number compares as 0, so junk from an agent never throws.
 */
export function compareOsVersions(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (Number.parseInt(left[i] ?? '0', 10) || 0) - (Number.parseInt(right[i] ?? '0', 10) || 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}
