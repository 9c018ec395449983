import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { ALL_MIGRATIONS } from '../../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** One definition of how Patchgate talks to PostgreSQL, shared by the app and the TypeORM CLI. */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    // The hot path holds few connections for short queries; the pool bounds load on PostgreSQL.
    // A PostgreSQL that does not answer fails a request (503) rather than holding it.
    extra: { max: 20, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5000, application_name: 'patchgate' },
  };
}

/** Entity files for contexts outside Nest (CLI); inside Nest, modules register their own. */
export const ENTITY_GLOB = join(__dirname, '../../**/*.entity.{js,ts}');
