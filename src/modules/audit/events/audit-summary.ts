/**
 * The short record of what a request asked for: its body with every secret-looking field
 * replaced and long values cut, so the audit trail never holds a password, token or key.
 */
const SECRET_KEY = /pass(word|phrase)?|secret|token|key|authorization|credential|cookie|signature/i;
const MAX_STRING = 500;
const MAX_ITEMS = 50;
const MAX_DEPTH = 5;
/** Serialized size above which only the top-level field names are kept. */
export const MAX_SUMMARY_BYTES = 4096;
export const REDACTED = '[redacted]';

export function summarizeBody(body: unknown): Record<string, unknown> | null {
  if (body === undefined || body === null || body === '') return null;
  const clean = scrub(body, 0);
  const summary = typeof clean === 'object' && clean !== null && !Array.isArray(clean) ? (clean as Record<string, unknown>) : { body: clean };
  if (Buffer.byteLength(JSON.stringify(summary)) <= MAX_SUMMARY_BYTES) return summary;
  return { truncated: true, fields: Object.keys(summary).slice(0, MAX_ITEMS) };
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[nested]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((item) => scrub(item, depth + 1));
    return value.length > MAX_ITEMS ? [...kept, `… ${value.length - MAX_ITEMS} more`] : kept;
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? REDACTED : scrub(inner, depth + 1)]));
}
