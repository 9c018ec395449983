import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CatalogRepository } from '../../catalog/catalog.repository';
import { MaintenanceSettings } from '../maintenance-settings';
import { cutoff, MaintenanceTask, MaintenanceTaskName, TaskBatch, TaskContext } from './maintenance-task';
import { UpdateDecliner } from './update-decliner';

/**
 * Declines updates a current update has superseded for `declineSupersededAfterDays` days and that
 * no computer still needs (CatalogRepository.findSupersededUnneeded says what that means).
 */
@Injectable()
export class DeclineSupersededTask implements MaintenanceTask {
  readonly name = MaintenanceTaskName.DeclineSuperseded;
  readonly transactional = true;

  constructor(
    private readonly catalog: CatalogRepository,
    private readonly decliner: UpdateDecliner,
  ) {}

  enabled(settings: MaintenanceSettings): boolean {
    return settings.declineSupersededAfterDays > 0;
  }

  async runBatch(manager: EntityManager, context: TaskContext): Promise<TaskBatch> {
    const { declineSupersededAfterDays: days, batchSize } = context.settings;
    const candidates = await this.catalog.findSupersededUnneeded(manager, cutoff(context, days), batchSize);
    return this.decliner.decline(
      manager,
      candidates,
      (c) => `superseded by ${c.supersededBy} for more than ${days} days and needed by no computer`,
      batchSize,
    );
  }
}
