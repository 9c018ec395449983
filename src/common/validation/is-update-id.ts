import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidationOptions } from 'class-validator';
import { MatchesBounded } from './bounded-match';

/** An update id as the catalog holds it: any 8-4-4-4-12 hex GUID (vendor GUIDs are not all RFC 4122). */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** 8-4-4-4-12 hex digits. */
export const UPDATE_ID_LENGTH = 36;

const lowercase = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item)) : typeof value === 'string' ? value.toLowerCase() : value;

/**
 * An update id in a DTO: any 8-4-4-4-12 hex id, as the sync accepts (vendors' GUIDs need not carry
 * RFC 9562 version and variant bits, which class-validator's IsUUID demands); lowercased, as the
 * catalog stores it. The length is checked before the pattern (MatchesBounded). `{ each: true }` for arrays.
 * The path-parameter twin is ParseUpdateIdPipe (update-id.pipe.ts).
 */
export const IsUpdateId = (options: Pick<ValidationOptions, 'each'> = {}) =>
  applyDecorators(
    Transform(lowercase),
    MatchesBounded(UUID_PATTERN, UPDATE_ID_LENGTH, { ...options, message: '$property must be an update id (8-4-4-4-12 hex digits)' }),
  );
