import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MaintenanceSettings } from '../maintenance-settings';
import { MaintenanceTask, MaintenanceTaskName, TaskBatch, TaskContext } from './maintenance-task';

/** The tables with the most churn: status ingestion, approvals and computers' last-seen writes. */
export const VACUUMED_TABLES = ['status_events', 'install_states', 'approvals', 'computers'];

/**
 * VACUUM (ANALYZE) of the busiest tables, one table per batch. VACUUM cannot run inside a
 * transaction: each runs as a plain statement on a pooled connection. Repeating one after a crash is harmless.
 */
@Injectable()
export class VacuumTask implements MaintenanceTask {
  readonly name = MaintenanceTaskName.Vacuum;
  readonly transactional = false;

  constructor(private readonly dataSource: DataSource) {}

  enabled(settings: MaintenanceSettings): boolean {
    return settings.vacuum;
  }

  async runBatch(_manager: unknown, { countSoFar }: TaskContext): Promise<TaskBatch> {
    const table = VACUUMED_TABLES[countSoFar];
    if (table) await this.dataSource.query(`VACUUM (ANALYZE) ${table}`);
    return { count: table ? 1 : 0, done: countSoFar + 1 >= VACUUMED_TABLES.length };
  }
}
