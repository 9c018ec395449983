import { Injectable } from '@nestjs/common';
import { CatalogChange, CatalogChangeListener } from '../catalog/catalog-change.listener';
import { ContentQueue } from './content-queue';

/**
 * After a sync batch commits: new updates (mode `all`) and new revisions of updates (approved ones
 * in `on_approval`) may name files the store does not have yet. The worker decides which.
 */
@Injectable()
export class ContentCatalogListener implements CatalogChangeListener {
  constructor(private readonly queue: ContentQueue) {}

  async afterCatalogCommit(changes: CatalogChange[]): Promise<void> {
    await this.queue.requestFiles(changes.filter((c) => c.kind !== 'expired').map((c) => c.updateId.toLowerCase()));
  }
}
