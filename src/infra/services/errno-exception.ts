/**
 * Narrows a caught value to a Node system error so its `code` (ENOENT, ESRCH, ...) can be checked.
 * Structural rather than `instanceof Error`: under jest, Node's own errors come from another realm.
 */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}
