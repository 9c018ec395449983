import { Inject, Injectable, Logger } from '@nestjs/common';
import { Principal } from '../../common/auth/role';
import { AppConfig } from '../../infra/config/app-config';
import { OfferVersionsService } from '../offer-versions/offer-versions.service';
import { ContentMode, ContentState, isStoringMode } from './content-mode';
import { ContentQueue } from './content-queue';
import { ContentRepository } from './content.repository';
import { ContentConfigDto, ContentStatusDto } from './dto/content.dto';
import { CONTENT_STORAGE, ContentStorage } from './storage/content-storage';

/**
 * The content store's rules: the mode (stored in PostgreSQL so every replica agrees; until an admin
 * sets one, the environment's initial mode), what is needed, status and clean-up.
 */
@Injectable()
export class ContentService {
  private readonly logger = new Logger(ContentService.name);

  constructor(
    private readonly files: ContentRepository,
    private readonly queue: ContentQueue,
    private readonly offerVersions: OfferVersionsService,
    private readonly config: AppConfig,
    @Inject(CONTENT_STORAGE) private readonly storage: ContentStorage,
  ) {}

  async mode(): Promise<ContentMode> {
    return (await this.files.findMode()).mode ?? this.config.content.initialMode;
  }

  async getConfig(): Promise<ContentConfigDto> {
    const row = await this.files.findMode();
    return {
      mode: row.mode ?? this.config.content.initialMode,
      explicit: row.mode !== null,
      updatedAt: row.mode ? row.updatedAt.toISOString() : null,
      updatedBy: row.updatedBy,
    };
  }

  async setMode(mode: ContentMode, actor: Principal): Promise<ContentConfigDto> {
    await this.files.saveMode(mode, actor.name);
    // The mode decides which approved updates are offered and with which URLs: part of the settings version.
    await this.offerVersions.bumpSettings();
    if (isStoringMode(mode)) await this.queue.requestFiles(null);
    return this.getConfig();
  }

  async status(failureLimit: number): Promise<ContentStatusDto> {
    const [mode, totals, failures] = await Promise.all([this.mode(), this.files.totals(), this.files.findFailures(failureLimit)]);
    return {
      mode,
      files: { pending: totals.pending, stored: totals.stored, failed: totals.failed },
      bytesStored: totals.bytesStored,
      failures: failures.map((f) => {
        const [updateId, revision] = f.source.split(':');
        return { sha256: f.sha256, size: f.size, url: f.url, updateId, revision: Number(revision), reason: f.error, failedAt: f.failedAt.toISOString() };
      }),
    };
  }

  /**
   * The content state of each install approval's update (`null` for other decisions, for a null
   * entry, and in mode `none`, where nothing is stored).
   */
  async contentStatesOf(approvals: ({ updateId: string; decision: string } | null)[]): Promise<(ContentState | null)[]> {
    const installs = approvals.filter((a) => a?.decision === 'install').map((a) => a!.updateId);
    if (!installs.length || !isStoringMode(await this.mode())) return approvals.map(() => null);
    const states = await this.files.findContentStates([...new Set(installs)]);
    return approvals.map((a) => (a?.decision === 'install' ? (states.get(a.updateId) ?? 'pending') : null));
  }

  /** The worker's side of a content request: record what the mode needs and enqueue its downloads. */
  async requestNeededFiles(updateIds: string[] | null): Promise<number> {
    const mode = await this.mode();
    if (!isStoringMode(mode)) return 0;
    const pending = await this.files.requestNeededFiles(mode, updateIds);
    await this.queue.download(pending);
    return pending.length;
  }

  /**
   * Deletes up to `limit` files that no install approval (nor, in mode `all`, any active update)
   * needs any more: stored ones with their bytes (counted in `bytes`), failed ones' records. For the
   * maintenance job; call it again until `deleted` is below `limit`, then requestAllNeeded() once,
   * since an approval made meanwhile may name a file just deleted.
   */
  async deleteUnneededFiles({ limit }: { limit: number }): Promise<{ deleted: number; bytes: number }> {
    const taken = await this.files.takeUnneededFiles(await this.mode(), limit);
    let bytes = 0;
    for (const file of taken.filter((f) => f.status === 'stored')) {
      await this.storage.delete(file.sha256);
      bytes += file.size;
    }
    if (taken.length) this.logger.log(`content: deleted ${taken.length} unneeded file(s), ${bytes} bytes`);
    return { deleted: taken.length, bytes };
  }

  /** Has the worker derive again every file the mode needs (and download what is missing). */
  requestAllNeeded(): Promise<void> {
    return this.queue.requestFiles(null);
  }

  /**
   * Deletes stored objects the table does not know (left by a crash between a clean-up's commit and
   * its file deletions, or by a restored database), `chunk` names per query. A file being published
   * has its pending row, so it stays. For the maintenance job.
   */
  async deleteUntrackedFiles({ chunk }: { chunk: number }): Promise<{ deleted: number; bytes: number }> {
    let deleted = 0;
    let bytes = 0;
    const sweep = async (names: string[]): Promise<void> => {
      const known = await this.files.findKnown(names);
      for (const sha256 of names.filter((n) => !known.has(n))) {
        bytes += (await this.storage.size(sha256)) ?? 0;
        await this.storage.delete(sha256);
        deleted += 1;
      }
    };
    let names: string[] = [];
    for await (const sha256 of this.storage.list()) {
      names.push(sha256);
      if (names.length >= chunk) {
        await sweep(names);
        names = [];
      }
    }
    if (names.length) await sweep(names);
    if (deleted) this.logger.log(`content: deleted ${deleted} untracked file(s), ${bytes} bytes`);
    return { deleted, bytes };
  }
}
