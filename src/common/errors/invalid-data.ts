/**
 * True when PostgreSQL refused a statement for the data it was given (SQLSTATE class 22, data
 * exception: a NUL byte in text, a timestamp out of range; class 23, a constraint), so running it
 * again with the same data fails again; a retry can help only without the offending row.
 */
export function isInvalidData(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const sqlState = typeof driverError?.code === 'string' ? driverError.code : code;
  return typeof sqlState === 'string' && /^2[23][0-9A-Z]{3}$/.test(sqlState);
}
