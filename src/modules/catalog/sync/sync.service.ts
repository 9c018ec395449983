import { HttpStatus, Injectable } from '@nestjs/common';
import { Principal } from '../../../common/auth/role';
import { ConflictError, DomainError, NotFoundError } from '../../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../../common/pagination/page';
import { StartedSyncRunDto, SyncRunDto, SyncRunSummaryDto } from './dto/sync-run.dto';
import { SyncRunEntity, SyncRunStatus } from './entities/sync-run.entity';
import { SyncRunLauncher } from './sync-run-launcher.service';
import { SyncRunsRepository } from './sync-runs.repository';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const toSyncRunSummary = (run: SyncRunEntity): SyncRunSummaryDto => ({
  id: run.id,
  trigger: run.trigger,
  status: run.status,
  requestedBy: run.requestedBy,
  upstream: { kind: run.upstreamKind, url: run.upstreamUrl },
  filters: { products: run.products, classifications: run.classifications },
  queuedAt: run.queuedAt.toISOString(),
  startedAt: iso(run.startedAt),
  finishedAt: iso(run.finishedAt),
  newUpdates: run.newUpdates,
  revisedUpdates: run.revisedUpdates,
  expiredUpdates: run.expiredUpdates,
  unchangedUpdates: run.unchangedUpdates,
  itemErrorCount: run.itemErrorCount,
  cursorBefore: run.cursorBefore,
  cursorAfter: run.cursorAfter,
  error: run.error,
  progress: { pagesProcessed: run.pagesProcessed, itemsProcessed: run.itemsProcessed, itemsFiltered: run.itemsFiltered },
});

export const toSyncRun = (run: SyncRunEntity): SyncRunDto => ({ ...toSyncRunSummary(run), itemErrors: run.itemErrors, upstreamLog: run.upstreamLog ?? null });

/** The sync log and manual runs. */
@Injectable()
export class SyncService {
  constructor(
    private readonly runs: SyncRunsRepository,
    private readonly launcher: SyncRunLauncher,
  ) {}

  /** Starts a run now; 409 naming the active run when one is queued or running. */
  async startManualRun(principal: Principal): Promise<StartedSyncRunDto> {
    const { run, created } = await this.launcher.launch('manual', principal.name);
    if (!created) {
      throw new ConflictError('sync_run_active', `sync run ${run.id} is ${run.status}; one run at a time`, { activeRunId: run.id });
    }
    return { id: run.id, status: run.status };
  }

  async list(limit: number, cursor?: string, status?: SyncRunStatus): Promise<Page<SyncRunSummaryDto>> {
    const [afterSeq] = (decodeCursor(cursor, 1) ?? []) as string[];
    if (afterSeq !== undefined && !/^\d{1,19}$/.test(String(afterSeq))) {
      throw new DomainError('invalid_cursor', HttpStatus.BAD_REQUEST, 'cursor is not one this server issued');
    }
    const rows = await this.runs.listPage(limit + 1, status, afterSeq);
    return toPage(rows, limit, toSyncRunSummary, (run) => [run.seq]);
  }

  async get(id: string): Promise<SyncRunDto> {
    const run = await this.runs.findByIdWithItemErrors(id);
    if (!run) throw new NotFoundError('sync run', id);
    return toSyncRun(run);
  }
}
