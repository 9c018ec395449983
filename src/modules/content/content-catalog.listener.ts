import { Injectable } from '@nestjs/common';
import type { CatalogChange, CatalogChangeListener } from '../catalog/catalog-change.listener';
import { isStoringMode } from './content-mode';
import { ContentQueue } from './content-queue';
import { ContentService } from './content.service';

/**
 * After a sync batch commits: new updates (mode `all`) and new revisions of updates (approved ones
 * in `on_approval`) may name files the store does not have yet; the worker decides which. A new
 * update has no approval yet in `on_approval` (a rule that approves it requests its files then),
 * so a first sync of a large catalog queues nothing there.
 */
@Injectable()
export class ContentCatalogListener implements CatalogChangeListener {
  constructor(
    private readonly content: ContentService,
    private readonly queue: ContentQueue,
  ) {}

  async afterCatalogCommit(changes: CatalogChange[]): Promise<void> {
    const wanted = changes.filter((c) => c.kind === 'revised' || c.kind === 'new');
    if (!wanted.length) return;
    const mode = await this.content.mode();
    if (!isStoringMode(mode)) return;
    await this.queue.requestFiles(wanted.filter((c) => mode === 'all' || c.kind === 'revised').map((c) => c.updateId.toLowerCase()));
  }
}
