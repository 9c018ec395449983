import { Writable } from 'node:stream';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { LOG_SERIALIZERS } from './logging.module';

/** What a pino logger with Patchgate's serializers writes for `logger.error({ err }, message)`. */
function logged(err: unknown): string {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  pino({ serializers: LOG_SERIALIZERS }, sink).error({ err, errorId: 'e1' }, 'unexpected error');
  return text;
}

describe('database errors in the log', () => {
  const SECRET_HASH = 'scrypt$16384$8$1$c2FsdA==$SECRET-HASH-VALUE';
  const TOKEN = 'upstream-token-SECRET';

  function failedInsert(): QueryFailedError {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "users_username_key"'), {
      code: '23505',
      constraint: 'users_username_key',
      table: 'users',
      detail: `Key (lower(username::text))=(${TOKEN}) already exists.`,
    });
    return new QueryFailedError('INSERT INTO users (username, password_hash) VALUES ($1, $2)', [TOKEN, SECRET_HASH], driverError);
  }

  it('never carry the bound parameters or the row values of the detail', () => {
    const line = logged(failedInsert());
    expect(line).not.toContain(SECRET_HASH);
    expect(line).not.toContain(TOKEN);
  });

  it('still say what failed: message, SQLSTATE, constraint, query text and stack', () => {
    const entry = JSON.parse(logged(failedInsert())) as { err: Record<string, unknown>; errorId: string };
    expect(entry.errorId).toBe('e1');
    expect(entry.err).toMatchObject({
      type: 'QueryFailedError',
      message: 'duplicate key value violates unique constraint "users_username_key"',
      code: '23505',
      constraint: 'users_username_key',
      query: 'INSERT INTO users (username, password_hash) VALUES ($1, $2)',
    });
    expect(entry.err.stack).toEqual(expect.stringContaining('QueryFailedError'));
  });

  it('also when the query error is the cause of another', () => {
    const wrapped = new Error('saving the user failed', { cause: failedInsert() });
    const line = logged(wrapped);
    expect(line).not.toContain(SECRET_HASH);
    expect(line).not.toContain(TOKEN);
  });
});
