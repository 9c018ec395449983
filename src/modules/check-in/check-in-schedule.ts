import { createHash } from 'node:crypto';

/**
 * The configured interval plus up to 10% more, fixed per computer (a hash of its id), so a fleet
 * that started together spreads out instead of arriving at once, and each computer keeps a steady rhythm.
 */
export function nextCheckInSeconds(computerId: string, intervalSeconds: number): number {
  const spread = Math.max(1, Math.floor(intervalSeconds / 10));
  const jitter = createHash('sha256').update(computerId).digest().readUInt32BE(0) % spread;
  return intervalSeconds + jitter;
}

/** A signed answer is valid for two intervals plus an hour: long enough to ride out a missed check-in, short enough to defeat a freeze. */
export function answerLifetimeSeconds(intervalSeconds: number): number {
  return 2 * intervalSeconds + 3600;
}
