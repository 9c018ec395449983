import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CatalogRepository } from '../../catalog/catalog.repository';
import { MaintenanceSettings } from '../maintenance-settings';
import { cutoff, MaintenanceTask, MaintenanceTaskName, TaskBatch, TaskContext } from './maintenance-task';
import { UpdateDecliner } from './update-decliner';

/**
 * Declines updates a current update has superseded for `declineSupersededAfterDays` days, that no
 * computer still needs, and whose superseding update is approved wherever they are
 * (CatalogRepository.findSupersededUnneeded says what that means); the reason logged says which.
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
      (c) =>
        `superseded by ${c.supersededBy} for more than ${days} days and needed by no computer; ` +
        (c.approvingGroups
          ? `${c.supersededBy} is approved for install in all ${c.approvingGroups} group(s) that had this update approved`
          : 'approved for install in no group'),
      batchSize,
    );
  }
}
