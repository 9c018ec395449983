/** Dates as update publishers use them: Patch Tuesday, preview week, month labels. */

const DAY_MS = 86_400_000;

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

export function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}

/** The n-th Tuesday (1-based) of a month, at 17:00 UTC (10:00 Pacific, Microsoft's release time). */
export function nthTuesday(year: number, month: number, n: number): Date {
  const first = new Date(Date.UTC(year, month - 1, 1, 17, 0, 0));
  const offset = (2 - first.getUTCDay() + 7) % 7;
  return addDays(first, offset + (n - 1) * 7);
}

/** Patch Tuesday: the second Tuesday of the month. */
export function patchTuesday(year: number, month: number): Date {
  return nthTuesday(year, month, 2);
}

/** "2026-10", the prefix of Microsoft's monthly update titles. */
export function monthLabel(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** ISO-8601 UTC without milliseconds, e.g. "2026-10-14T17:00:00Z". */
export function isoUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Months from January 2025, the epoch of the KB numbering below. */
export function monthsSince2025(date: Date): number {
  return (date.getUTCFullYear() - 2025) * 12 + date.getUTCMonth();
}

/** Every (year, month) from `from` to `to`, both inclusive, as [year, month] with month 1..12. */
export function monthRange(from: [number, number], to: [number, number]): [number, number][] {
  const out: [number, number][] = [];
  let [year, month] = from;
  while (year < to[0] || (year === to[0] && month <= to[1])) {
    out.push([year, month]);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return out;
}
