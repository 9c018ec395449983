import { createRequire } from 'node:module';

/*
 * The `pg` package ships no type declarations and @types/pg is not installed, so a plain
 * `import 'pg'` does not type-check under strict mode. It is loaded untyped here and the small
 * part we use is described below. Once @types/pg is added, this file can become a re-export.
 */

export interface PgClientConfig {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  connectionString?: string;
  connectionTimeoutMillis?: number;
}

export interface PgQueryResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number | null;
}

export interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: readonly unknown[]): Promise<PgQueryResult>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

interface PgModule {
  Client: new (config: PgClientConfig) => PgClient;
}

const loadModule = createRequire(__filename);

export function createPgClient(config: PgClientConfig): PgClient {
  const pg = loadModule('pg') as PgModule;
  const client = new pg.Client(config);
  // A server going away between queries emits 'error'; without a listener that would crash the process.
  client.on('error', () => undefined);
  return client;
}

/** PostgreSQL SQLSTATE of a failed query or connection attempt, when there is one. */
export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
