/**
 * Building blocks of the one-pass `precheck` of agent DTOs (StatusReportDto, CheckInDto): each
 * answers whether a value passes what the DTO's class-validator rules would accept. A precheck
 * accepts only what the rules accept; anything else is left to the rules, for their errors. Every
 * length is checked before any pattern runs (as ContractValidationPipe's string caps).
 */

/** An object literal as JSON.parse makes it (no class instance, no array). */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Whether every key of `value` is one of `fields` (the pipe's forbidNonWhitelisted). */
export function hasOnly(value: Record<string, unknown>, fields: ReadonlySet<string>): boolean {
  for (const key in value) if (!fields.has(key)) return false;
  return true;
}

/** IsOptional: absent or null passes every other rule of the field. */
export const absent = (value: unknown): value is null | undefined => value === undefined || value === null;

/** A string of at most `maxLength` UTF-16 units that `pattern` matches (the length first). */
export const matches = (value: unknown, pattern: RegExp, maxLength: number): value is string =>
  typeof value === 'string' && value.length <= maxLength && pattern.test(value);

/** IsString + MaxLength(max), for strings MaxLength counts as it counts them (a longer one is left to the rules). */
export const shortString = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;

/** IsInt + Min + Max. */
export const isIntIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Every item of an array of `min` to `max` items, prechecked; null if it is no such array or any item fails. */
export function eachOf<T>(value: unknown, min: number, max: number, precheck: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(value) || value.length < min || value.length > max) return null;
  const checked: T[] = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = precheck(value[i]);
    if (!item) return null;
    checked[i] = item;
  }
  return checked;
}
