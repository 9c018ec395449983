import { ValidateBy } from 'class-validator';

/** Longest form accepted: `2026-11-22T10:00:00.123456+05:30`. */
const MAX_LENGTH = 32;
const FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * A timestamp as an agent reports it, in the one form PostgreSQL's timestamptz reads the same way
 * (ISO 8601 with seconds and an offset, microseconds at most), a real calendar date, year 0001-9999.
 * The worker stores events in batches: a value PostgreSQL refuses (year 0, `+275760-…`, week dates)
 * must be a 400 here, not a failed batch later. The length is checked before the pattern.
 */
export function isReportedTime(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return false;
  const match = FORM.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0] = match.slice(1).map((part) => Number(part ?? 0));
  return (
    year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 15 && offsetMinutes <= 59
  );
}

export const IsReportedTime = () =>
  ValidateBy({
    name: 'isReportedTime',
    validator: {
      validate: isReportedTime,
      defaultMessage: () => '$property must be an ISO 8601 date-time like 2026-11-22T10:00:00Z (seconds and an offset, year 0001-9999)',
    },
  });
