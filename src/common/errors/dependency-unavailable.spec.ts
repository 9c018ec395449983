import { isDependencyUnavailable } from './dependency-unavailable';

describe(isDependencyUnavailable.name, () => {
  const withCode = (code: string) => Object.assign(new Error('x'), { code });

  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['PostgreSQL shutting down (57P01)', withCode('57P01')],
    ['a connection failure (SQLSTATE class 08)', withCode('08006')],
    ['pg: a dropped connection', new Error('Connection terminated unexpectedly')],
    ['pg: the pool timing out', new Error('timeout exceeded when trying to connect')],
    ['ioredis without its connection', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['ioredis giving up on a command', Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' })],
    ['TypeORM wrapping a driver error', Object.assign(new Error('query failed'), { driverError: withCode('ECONNRESET') })],
  ])('is true for %s', (_what, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['no error at all', undefined],
  ])('is false for %s', (_what, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});
