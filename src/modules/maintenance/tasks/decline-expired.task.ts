import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CatalogRepository } from '../../catalog/catalog.repository';
import { MaintenanceSettings } from '../maintenance-settings';
import { MaintenanceTask, MaintenanceTaskName, TaskBatch, TaskContext } from './maintenance-task';
import { UpdateDecliner } from './update-decliner';

/** Declines updates the upstream expired (already offered to nobody; declining clears them from the admin's lists). */
@Injectable()
export class DeclineExpiredTask implements MaintenanceTask {
  readonly name = MaintenanceTaskName.DeclineExpired;
  readonly transactional = true;

  constructor(
    private readonly catalog: CatalogRepository,
    private readonly decliner: UpdateDecliner,
  ) {}

  enabled(settings: MaintenanceSettings): boolean {
    return settings.declineExpired;
  }

  async runBatch(manager: EntityManager, { settings }: TaskContext): Promise<TaskBatch> {
    const candidates = await this.catalog.findExpiredUndeclined(manager, settings.batchSize);
    return this.decliner.decline(manager, candidates, () => 'expired by the upstream', settings.batchSize);
  }
}
