import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MaintenanceSettings } from './maintenance-settings';

export interface StoredMaintenanceConfig extends MaintenanceSettings {
  updatedAt: Date;
  updatedBy: string | null;
}

const SELECT = `SELECT schedule, decline_superseded_after_days AS "declineSupersededAfterDays", decline_expired AS "declineExpired",
  remove_computers_after_days AS "removeComputersAfterDays", status_history_days AS "statusHistoryDays",
  delete_unneeded_content AS "deleteUnneededContent", vacuum,
  batch_size AS "batchSize", updated_at AS "updatedAt", updated_by AS "updatedBy" FROM maintenance_config WHERE id = 1`;

/** The one row of maintenance settings (created by its migration). */
@Injectable()
export class MaintenanceConfigRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(): Promise<StoredMaintenanceConfig> {
    const [row]: StoredMaintenanceConfig[] = await this.dataSource.query(SELECT);
    return row;
  }

  /** Sets the history retention once, from the environment variable that set it before maintenance existed. */
  async seedStatusHistoryDays(days: number): Promise<void> {
    await this.dataSource.query('UPDATE maintenance_config SET status_history_days = $1 WHERE id = 1 AND status_history_days IS NULL', [days]);
  }

  /** In a transaction: the admin's audit event commits with the change. */
  async save(settings: MaintenanceSettings, by: string): Promise<StoredMaintenanceConfig> {
    const values = [
      settings.schedule, settings.declineSupersededAfterDays, settings.declineExpired, settings.removeComputersAfterDays,
      settings.statusHistoryDays, settings.vacuum, settings.batchSize, by, settings.deleteUnneededContent,
    ];
    await this.dataSource.transaction((manager) =>
      manager.query(
        `UPDATE maintenance_config SET schedule = $1, decline_superseded_after_days = $2, decline_expired = $3, remove_computers_after_days = $4,
                status_history_days = $5, vacuum = $6, batch_size = $7, updated_at = now(), updated_by = $8,
                delete_unneeded_content = $9 WHERE id = 1`,
        values,
      ),
    );
    return this.find();
  }
}
