import { isISO8601, Matches, ValidateBy } from 'class-validator';

/** Longer than any ISO 8601 date-time with nanoseconds and an offset. */
const TIMESTAMP_MAX_LENGTH = 64;
/** The offset at the very end: a fixed-length match, tried at each position at most once. */
const OFFSET_AT_END = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A strict ISO 8601 date-time with a time and an offset, checked in linear time: the length
 * first, then validator.js's ISO 8601 check, then a `T` that comes before an offset at the end.
 */
export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > TIMESTAMP_MAX_LENGTH || !isISO8601(value, { strict: true })) return false;
  const offset = OFFSET_AT_END.exec(value);
  const time = value.search(/t/i);
  return offset !== null && time >= 0 && time < offset.index;
}

/**
 * An ISO 8601 date-time that says its offset (`Z` or `+02:00`): a time without one would be read
 * in the server's zone, which a client cannot know. (Once a quadratic regex: 40,000 characters
 * took a second; now bounded and linear.)
 */
export const IsTimestamp = () =>
  ValidateBy({
    name: 'isTimestamp',
    constraints: ['iso8601', TIMESTAMP_MAX_LENGTH],
    validator: {
      validate: isTimestamp,
      defaultMessage: () => '$property must be an ISO 8601 date-time with a time and an offset (Z or ±hh:mm)',
    },
  });

/** Free text PostgreSQL can store as given: no NUL and no other control character but tab and newlines. */
export const IsPlainText = () =>
  // eslint-disable-next-line no-control-regex
  Matches(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, { message: '$property must not contain control characters' });
