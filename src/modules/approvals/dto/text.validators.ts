import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/**
 * An ISO 8601 date-time that says its offset (`Z` or `+02:00`): a time without one would be read
 * in the server's zone, which a client cannot know.
 */
export const IsTimestamp = () =>
  applyDecorators(
    IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date-time' }),
    Matches(/T.*(Z|[+-]\d{2}:?\d{2})$/i, { message: '$property must be an ISO 8601 date-time with a time and an offset (Z or ±hh:mm)' }),
  );

/** Free text PostgreSQL can store as given: no NUL and no other control character but tab and newlines. */
export const IsPlainText = () =>
  // eslint-disable-next-line no-control-regex
  Matches(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, { message: '$property must not contain control characters' });
