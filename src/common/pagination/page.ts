import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from '../errors/domain-error';

export const MAX_PAGE_SIZE = 500;

/** `limit` and opaque `cursor` of every list endpoint. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque cursor from the previous page' })
  @IsOptional() @IsString() @MaxLength(1024)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are base64url JSON of the sort key of the last row: opaque to clients, stable for us. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity) return key;
  } catch {
    // fall through to the error below
  }
  throw new DomainError('invalid_cursor', 400, 'cursor is not one this server issued');
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says whether more exist. */
export function toPage<R, T>(rows: R[], limit: number, toItem: (row: R) => T, keyOf: (row: R) => unknown[]): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(toItem), nextCursor: more ? encodeCursor(keyOf(kept[kept.length - 1])) : null };
}
