import { stdSerializers } from 'pino';

/**
 * Fields of a database error that can quote stored values: TypeORM's QueryFailedError keeps the
 * query's bound `parameters` (password hashes, upstream tokens, whatever was being written) and
 * copies the driver's `detail` ("Key (token_hash)=(…) already exists"). The query text, the
 * SQLSTATE `code`, `constraint`, `table` and `column` stay: they say what failed without the data.
 */
const VALUE_FIELDS = ['parameters', 'detail', 'where'];

function withoutValues(serialized: Record<string, unknown>): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) {
    if (VALUE_FIELDS.includes(key)) continue;
    if (key === 'driverError' && value && typeof value === 'object') {
      clean[key] = withoutValues({ ...(value as Record<string, unknown>), message: (value as Error).message });
    } else if (key === 'cause' && value && typeof value === 'object') {
      clean[key] = withoutValues(value as Record<string, unknown>);
    } else {
      clean[key] = value;
    }
  }
  return clean;
}

/** pino's error serializer, minus the fields above, at any depth of driverError and cause. */
export function serializeError(error: unknown): unknown {
  const serialized = stdSerializers.err(error as Error) as unknown;
  return serialized && typeof serialized === 'object' ? withoutValues(serialized as Record<string, unknown>) : serialized;
}
