import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ComputerTokenCache } from '../../computers/computer-token.cache';
import { ComputersRepository } from '../../computers/computers.repository';
import { OfferVersionsService } from '../../offer-versions/offer-versions.service';
import { MaintenanceSettings } from '../maintenance-settings';
import { cutoff, MaintenanceTask, MaintenanceTaskName, TaskBatch, TaskContext } from './maintenance-task';

/**
 * Deletes computers with no contact (check-in, or registration if none) for
 * `removeComputersAfterDays` days, revoked or not, with their install states and status history.
 * After the commit their cached tokens are forgotten and their offer versions bumped, as a revoke does.
 */
@Injectable()
export class RemoveStaleComputersTask implements MaintenanceTask {
  readonly name = MaintenanceTaskName.RemoveStaleComputers;
  readonly transactional = true;

  constructor(
    private readonly computers: ComputersRepository,
    private readonly tokens: ComputerTokenCache,
    private readonly offerVersions: OfferVersionsService,
  ) {}

  enabled(settings: MaintenanceSettings): boolean {
    return settings.removeComputersAfterDays > 0;
  }

  async runBatch(manager: EntityManager, context: TaskContext): Promise<TaskBatch> {
    const { removeComputersAfterDays: days, batchSize } = context.settings;
    const removed = await this.computers.deleteInactive(manager, cutoff(context, days), batchSize);
    return {
      count: removed.length,
      done: removed.length < batchSize,
      afterCommit: async () => {
        for (const { tokenHash } of removed) await this.tokens.forget(tokenHash);
        await this.offerVersions.bumpComputers(removed.map((c) => c.id));
      },
    };
  }
}
