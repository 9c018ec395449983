/**
 * Debian version ordering, as `dpkg --compare-versions` decides it (deb-version(7)):
 * `[epoch:]upstream[-revision]`; epochs compare as numbers, then upstream and revision by
 * dpkg's verrevcmp: runs of non-digits compare character by character (letters before other
 * characters, `~` before everything, even the end), runs of digits compare as numbers.
 */
export interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

export function parseDebianVersion(text: string): DebianVersion {
  const version = text.trim();
  const colon = version.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(version.slice(0, colon)) ? Number(version.slice(0, colon)) : 0;
  const rest = colon > 0 ? version.slice(colon + 1) : version;
  const hyphen = rest.lastIndexOf('-');
  return hyphen >= 0 ? { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) } : { epoch, upstream: rest, revision: '' };
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** A character's weight in a non-digit run; 0 (the end) also stands for a digit. */
function order(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126 /* ~ */) return -1;
  return c + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** Negative when `a` sorts before `b`, 0 when dpkg deems them equal, positive otherwise. */
export function compareDebianVersions(a: string, b: string): number {
  const va = parseDebianVersion(a);
  const vb = parseDebianVersion(b);
  if (va.epoch !== vb.epoch) return va.epoch - vb.epoch;
  return verrevcmp(va.upstream, vb.upstream) || verrevcmp(va.revision, vb.revision);
}
