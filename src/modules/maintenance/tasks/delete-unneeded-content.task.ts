import { Injectable } from '@nestjs/common';
import { ContentService } from '../../content/content.service';
import { MaintenanceSettings } from '../maintenance-settings';
import { MaintenanceTask, MaintenanceTaskName, TaskBatch, TaskContext } from './maintenance-task';

/**
 * Deletes stored update files that no approval needs any more (the content store's rule: no install
 * approval names them, or in mode `all` no active update), a batch at a time; then, once, the stored
 * objects the content table does not know. Its own statements, not the runner's transaction: the
 * bytes go with their rows, and repeating a batch finds nothing left of what it did.
 */
@Injectable()
export class DeleteUnneededContentTask implements MaintenanceTask {
  readonly name = MaintenanceTaskName.DeleteUnneededContent;
  readonly transactional = false;

  constructor(private readonly content: ContentService) {}

  enabled(settings: MaintenanceSettings): boolean {
    return settings.deleteUnneededContent;
  }

  async runBatch(_manager: unknown, { settings, countSoFar }: TaskContext): Promise<TaskBatch> {
    const { deleted } = await this.content.deleteUnneededFiles({ limit: settings.batchSize });
    if (deleted >= settings.batchSize) return { count: deleted, done: false };
    const untracked = await this.content.deleteUntrackedFiles({ chunk: settings.batchSize });
    const count = deleted + untracked.deleted;
    // Once per run, not per batch: an approval made while it ran may name a file just deleted.
    return { count, done: true, afterCommit: countSoFar + count > 0 ? () => this.content.requestAllNeeded() : undefined };
  }
}
