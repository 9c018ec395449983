/**
 * Whether a secret looks generated rather than typed or copied from an example. It cannot prove
 * randomness; it refuses what is known to be weak: the placeholder words of config/example.env and
 * docs, and values whose characters carry too little information (estimated as the length times
 * the Shannon entropy of the character frequencies: a repeated or word-like value scores low,
 * `openssl rand -hex 32` or `-base64 48` far above the bar).
 */
// Phrases, not short fragments: a generated secret must not trip over them by chance.
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|example|placeholder|your[-_ ]?secret|secret[-_ ]?key|password|random[-_ ]?(characters|string)|at[-_ ]?least/i;
/** bits; 32 random hex digits (128 bits) score about 100-120 on this estimate. */
export const MIN_ESTIMATED_BITS = 90;
const MAX_CHECKED_LENGTH = 4096;

export function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bitsPerChar = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bitsPerChar -= p * Math.log2(p);
  }
  return bitsPerChar * value.length;
}

export function isStrongSecret(value: unknown): boolean {
  return typeof value === 'string' && value.length <= MAX_CHECKED_LENGTH && !PLACEHOLDER.test(value) && estimatedBits(value) >= MIN_ESTIMATED_BITS;
}
