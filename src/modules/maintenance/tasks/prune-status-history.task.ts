import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StatusRepository } from '../../status/status.repository';
import { MaintenanceSettings } from '../maintenance-settings';
import { cutoff, MaintenanceTask, MaintenanceTaskName, TaskBatch, TaskContext } from './maintenance-task';

/** Prunes status events received more than `statusHistoryDays` days ago; the current install states stay. */
@Injectable()
export class PruneStatusHistoryTask implements MaintenanceTask {
  readonly name = MaintenanceTaskName.PruneStatusHistory;
  readonly transactional = true;

  constructor(private readonly status: StatusRepository) {}

  enabled(settings: MaintenanceSettings): boolean {
    return settings.statusHistoryDays > 0;
  }

  async runBatch(manager: EntityManager, context: TaskContext): Promise<TaskBatch> {
    const { statusHistoryDays, batchSize } = context.settings;
    const deleted = await this.status.pruneHistoryBatch(manager, cutoff(context, statusHistoryDays), batchSize);
    return { count: deleted, done: deleted < batchSize };
  }
}
