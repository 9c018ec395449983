import { Client, ClientConfig } from 'pg';

/** A client for the launcher's own checks (readiness, CREATE DATABASE) that never crashes the process. */
export function createPgClient(config: ClientConfig): Client {
  const client = new Client(config);
  // A server going away between queries emits 'error'; without a listener that would crash the process.
  client.on('error', () => undefined);
  return client;
}

/** PostgreSQL SQLSTATE of a failed query or connection attempt, when there is one. */
export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
