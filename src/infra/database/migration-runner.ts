import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Key of the advisory lock that serializes migrations across API replicas. */
const MIGRATION_LOCK_KEY = 7_453_001;

export class MigrationRunner {
  private readonly logger = new Logger(MigrationRunner.name);

  constructor(private readonly dataSource: DataSource) {}

  /** Runs pending migrations under a session advisory lock, so replicas starting together take turns. */
  async runPending(): Promise<string[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        const applied = await this.dataSource.runMigrations({ transaction: 'each' });
        if (applied.length) this.logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
        return applied.map((m) => m.name);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }
}

/**
 * Applies pending migrations before the application starts, on a connection of its own,
 * so nothing in the app ever sees an old schema.
 */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const { dataSourceOptions } = await import('./data-source-options');
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
  try {
    return await new MigrationRunner(dataSource).runPending();
  } finally {
    await dataSource.destroy();
  }
}
