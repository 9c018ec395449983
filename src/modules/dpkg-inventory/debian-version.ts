/**
 * dpkg's version comparison (deb-version(7)): `[epoch:]upstream[-revision]`, compared epoch
 * first (numerically), then upstream and revision by dpkg's algorithm, where `~` sorts before
 * everything, even the end of the string. Checked against `dpkg --compare-versions` in the spec.
 */
export interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

export const MAX_VERSION_LENGTH = 128;
const VERSION = /^(?:(\d{1,9}):)?([0-9A-Za-z.+~:-]+?)(?:-([0-9A-Za-z.+~]+))?$/;

export function parseDebianVersion(text: string): DebianVersion | null {
  if (text.length === 0 || text.length > MAX_VERSION_LENGTH) return null;
  const match = VERSION.exec(text);
  if (!match) return null;
  return { epoch: match[1] ? Number(match[1]) : 0, upstream: match[2], revision: match[3] ?? '0' };
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`; invalid versions throw. */
export function compareDebianVersions(a: string, b: string): number {
  const va = parseDebianVersion(a);
  const vb = parseDebianVersion(b);
  if (!va || !vb) throw new Error(`not a Debian version: ${!va ? a : b}`);
  return va.epoch - vb.epoch || compareFragment(va.upstream, vb.upstream) || compareFragment(va.revision, vb.revision);
}

/** The weight dpkg gives a character in the non-digit parts: ~ first, then the end, letters, the rest. */
function order(char: string | undefined): number {
  if (char === undefined) return 0;
  if (char === '~') return -1;
  if (/[A-Za-z]/.test(char)) return char.charCodeAt(0);
  return char.charCodeAt(0) + 256;
}

function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = i < a.length && !isDigit(a[i]) ? a[i] : undefined;
      const bc = j < b.length && !isDigit(b[j]) ? b[j] : undefined;
      const diff = order(ac) - order(bc);
      if (diff) return diff;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && isDigit(a[i]) && j < b.length && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a[i])) return 1;
    if (j < b.length && isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
