import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { JobName, QueueName } from '../../../infra/queue/queue-names';
import { OfferVersionsService } from '../../offer-versions/offer-versions.service';
import { CATALOG_CHANGE_LISTENERS, CatalogChangeListener } from '../catalog-change.listener';
import { BatchPlan, ItemError, outcomeOf, planBatch, UpdateOutcome } from './batch-plan';
import { CatalogWriterRepository, StateBeforeRun } from './catalog-writer.repository';
import { SyncRunEntity } from './entities/sync-run.entity';
import { FeedItemResult, MalformedPageError, NormalizedFeedItem } from './feed-item.validator';
import { FetchAbortedError, UpstreamError } from './page-fetcher';
import { SyncConfigRepository } from './sync-config.repository';
import type { EvaluateRulesJob } from '../../approvals/rules/approval-rules.processor';
import { SyncRunProgress, SyncRunsRepository } from './sync-runs.repository';
import { Upstream, UpstreamPage, UpstreamRefusedError } from './upstreams/upstream-kind';
import { UpstreamKindRegistry } from './upstreams/upstream-kinds';

/** Item errors kept on a run; beyond this only `itemErrorCount` grows. */
export const ITEM_ERRORS_KEPT = 1000;

export type SyncRunResult = 'finished' | 'interrupted' | 'not-runnable';

/** Running totals of a run, as last committed. */
interface RunTotals {
  counts: Record<UpdateOutcome, number>;
  itemsProcessed: number;
  itemsFiltered: number;
  pagesProcessed: number;
  itemErrorCount: number;
  cursorAfter: string | null;
}

/** Another process committed the page this one was about to: it owns the run now. */
class RunTakenOverError extends Error {}

/**
 * Carries out one sync run: reads the upstream page by page and applies each page in one
 * transaction that writes the catalog rows, tells the catalog-change listeners, and records the
 * run's progress and position. Whatever stops it (a crash, a shutdown, a lost job) leaves a run
 * that continues from the next page and ends with the catalog a clean run gives.
 */
@Injectable()
export class SyncRunner {
  private readonly logger = new Logger(SyncRunner.name);

  constructor(
    private readonly runs: SyncRunsRepository,
    private readonly configs: SyncConfigRepository,
    private readonly writer: CatalogWriterRepository,
    private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Rules) private readonly rulesQueue: Queue,
    private readonly offerVersions: OfferVersionsService,
    private readonly kinds: UpstreamKindRegistry,
    @Optional() @Inject(CATALOG_CHANGE_LISTENERS) private readonly listeners: CatalogChangeListener[] = [],
  ) {}

  /**
   * Runs, or resumes, the run until it is over, or until `signal` aborts ('interrupted': the run
   * stays `running` at its next page). Failures of the upstream end the run as failed; any other
   * error (the database went away) is thrown, for the job to be retried.
   */
  async run(syncRunId: string, signal: AbortSignal): Promise<SyncRunResult> {
    let run = await this.runs.findById(syncRunId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return 'not-runnable';
    const handler = this.kinds.get(run.upstreamKind);
    const reader = handler.createReader(await this.upstreamOf(run));
    if (run.status === 'queued') {
      const cursorBefore = handler.resumesFromCursor ? await this.runs.findLastCursor(run.upstreamKind, run.upstreamUrl, run.id) : null;
      await this.runs.markRunning(run.id, cursorBefore, reader.firstPage(cursorBefore));
      run = await this.runs.findById(syncRunId);
      if (!run || run.status !== 'running') return 'not-runnable';
      this.logger.log(`sync run ${run.id} started (${run.trigger}) from ${run.upstreamKind} ${run.upstreamUrl}`);
    } else {
      this.logger.log(`sync run ${run.id} resumes after ${run.pagesProcessed} pages at ${run.nextPage}`);
    }

    const totals = totalsOf(run);
    // The state before the run of every update it counted: kept here when this process reads the
    // run from its first page, else looked up page by page in sync_run_updates.
    const counted: Map<string, StateBeforeRun> | null = run.pagesProcessed === 0 ? new Map() : null;
    // Pages read by this process for this run; a nextCursor leading back to one is a loop.
    const read = new Set<string>();
    let pageUrl = run.nextPage;
    const filter = productAndClassificationFilter(run);
    const readPage = (url: string): Promise<CheckedPage> => reader.read(url, signal).then((page) => checkItems(page, filter));
    let prefetched: { url: string; page: Promise<CheckedPage> } | null = null;
    try {
      while (pageUrl !== null) {
        if (signal.aborted) return 'interrupted';
        read.add(pageUrl);
        const page: CheckedPage = await (prefetched?.url === pageUrl ? prefetched.page : readPage(pageUrl));
        prefetched = null;
        if (page.next !== null && read.has(page.next)) {
          throw new MalformedPageError(`nextCursor leads back to ${page.next}, a page already read in this sync (a loop)`);
        }
        // Read and check the next page while this one is written. A failure surfaces only once it is its turn.
        if (page.next !== null) {
          const next = readPage(page.next);
          next.catch(() => undefined);
          prefetched = { url: page.next, page: next };
        }
        await this.applyPage(run, totals, page, pageUrl, counted);
        pageUrl = page.next;
      }
    } catch (error) {
      if (error instanceof FetchAbortedError || (signal.aborted && !(error instanceof RunTakenOverError))) return 'interrupted';
      if (error instanceof RunTakenOverError) {
        this.logger.warn(`sync run ${run.id}: another process committed page ${totals.pagesProcessed + 1}; leaving the run to it`);
        return 'not-runnable';
      }
      if (error instanceof MalformedPageError || error instanceof UpstreamError || error instanceof UpstreamRefusedError) {
        await this.fail(run, totals, describeFailure(error, pageUrl), pageUrl !== null && reader.rejectedCursor(error, pageUrl));
        return 'finished';
      }
      throw error;
    }
    await this.requestRuleEvaluation(run, totals);
    await this.runs.finish(run.id, { status: 'succeeded', error: null });
    const c = totals.counts;
    this.logger.log(
      `sync run ${run.id} succeeded: ${c.new} new, ${c.revised} revised, ${c.expired} expired, ${c.unchanged} unchanged, ` +
        `${totals.itemErrorCount} item errors, ${totals.pagesProcessed} pages`,
    );
    return 'finished';
  }

  /** Ends a run that cannot go on as failed (when it is still active), keeping the pages it committed. */
  async failUnfinished(syncRunId: string, error: string): Promise<void> {
    const run = await this.runs.findById(syncRunId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return;
    await this.fail(run, totalsOf(run), error, false);
  }

  private async fail(run: SyncRunEntity, totals: RunTotals, error: string, clearCursor: boolean): Promise<void> {
    // Pages committed before the failure stay, and so must the rules' look at what they brought.
    await this.requestRuleEvaluation(run, totals);
    const text = clearCursor ? `${error}; the upstream rejected the stored cursor, so the next sync starts from the beginning` : error;
    if (await this.runs.finish(run.id, { status: 'failed', error: text, clearCursor })) this.logger.warn(`sync run ${run.id} failed: ${text}`);
  }

  /**
   * Applies one page in one transaction: the catalog rows, the listeners' consequences, and the
   * run's totals and position commit together or not at all.
   */
  private async applyPage(
    run: SyncRunEntity,
    totals: RunTotals,
    page: CheckedPage,
    pageUrl: string,
    counted: Map<string, StateBeforeRun> | null,
  ): Promise<void> {
    if (page.listing) {
      // Expire what the upstream no longer lists, with its last page (docs/architecture.md, sync flow).
      const unlisted = await this.writer.loadUnlistedActive(this.dataSource.manager, page.listing.productRoots, page.listing.updateIds);
      for (const item of unlisted) page.valid.push(item);
    }
    // Read before any write: the sync is the catalog's only writer, and one run at a time.
    const stored = await this.writer.loadPageState(
      this.dataSource.manager,
      run.id,
      page.valid.map(({ item }) => ({ updateId: item.updateId, revision: item.revision })),
      { withTracking: counted === null },
    );
    const plan = planBatch({ items: page.valid, updates: stored.snapshots, revisions: stored.revisions });
    const { progress, firstSeen } = progressAfter(totals, page, plan, counted ?? stored.tracked);
    const record = async (manager: EntityManager) => {
      if (!(await this.runs.recordPage(manager, run.id, totals.pagesProcessed, progress, firstSeen))) throw new RunTakenOverError(pageUrl);
    };

    const changesCatalog =
      plan.currentRevisions.length + plan.expiredUpdates.length + plan.newRevisions.length + plan.expiredRevisions.length > 0;
    if (!changesCatalog && page.commit) {
      await this.dataSource.transaction(async (manager) => {
        await page.commit!(manager);
        await record(manager);
      });
    } else if (!changesCatalog) {
      // Nothing to write but the run's record: one statement, a transaction of its own.
      await record(this.dataSource.manager);
    } else {
      await this.dataSource.transaction(async (manager) => {
        // `updates` first: revisions reference it.
        await this.writer.upsertCurrentRevisions(manager, plan.currentRevisions);
        await this.writer.expireUpdates(manager, plan.expiredUpdates);
        await this.writer.insertRevisions(manager, run.id, plan.newRevisions);
        await this.writer.expireRevisions(manager, run.id, plan.expiredRevisions);
        await this.writer.insertProducts(manager, plan.products);
        if (plan.changes.length) {
          for (const listener of this.listeners) await listener.onCatalogChanges?.(manager, plan.changes, { syncRunId: run.id });
        }
        await page.commit?.(manager);
        await record(manager);
      });
      // After the commit: check-ins then recompute offers from the new catalog (and whatever the
      // listeners changed in approvals). Before it, a check-in could cache the old catalog as new.
      await this.offerVersions.bumpCatalog();
      if (plan.changes.length) {
        for (const listener of this.listeners) await listener.afterCatalogCommit?.(plan.changes);
      }
    }

    for (const { updateId, before } of firstSeen) counted?.set(updateId, before);
    totals.counts = { new: progress.newUpdates, revised: progress.revisedUpdates, expired: progress.expiredUpdates, unchanged: progress.unchangedUpdates };
    totals.itemsProcessed = progress.itemsProcessed;
    totals.itemsFiltered = progress.itemsFiltered;
    totals.pagesProcessed = progress.pagesProcessed;
    totals.itemErrorCount = progress.itemErrorCount;
    totals.cursorAfter = progress.cursorAfter;
  }

  /** The upstream the run was queued for; its token and settings only while the configuration still names it. */
  private async upstreamOf(run: SyncRunEntity): Promise<Upstream> {
    const config = await this.configs.find();
    const same = config?.upstreamKind === run.upstreamKind && config.upstreamUrl === run.upstreamUrl;
    return { kind: run.upstreamKind, url: run.upstreamUrl, token: same ? config.upstreamToken : null, settings: same ? config.upstreamSettings : null };
  }

  /** Rules look at what a run brought in (new updates, new revisions), once per run. */
  private async requestRuleEvaluation(run: SyncRunEntity, totals: RunTotals): Promise<void> {
    if (totals.counts.new + totals.counts.revised === 0) return;
    await this.rulesQueue.add(JobName.EvaluateRules, { syncRunId: run.id } satisfies EvaluateRulesJob, { jobId: `rules-after-sync-${run.id}` });
  }
}

/** A page with its items checked: valid ones (normalized), item errors, and how many the filter left out. */
interface CheckedPage extends Omit<UpstreamPage, 'items'> {
  itemCount: number;
  valid: NormalizedFeedItem[];
  itemErrors: ItemError[];
  filtered: number;
}

function checkItems(page: UpstreamPage, filter: (item: NormalizedFeedItem) => boolean): CheckedPage {
  const valid: NormalizedFeedItem[] = [];
  const itemErrors: ItemError[] = [];
  let filtered = 0;
  for (const result of page.items as FeedItemResult[]) {
    if (!result.ok) itemErrors.push({ updateId: result.updateId, reason: result.reason });
    else if (!filter(result)) filtered++;
    else valid.push(result);
  }
  return { ...page, itemCount: page.items.length, valid, itemErrors, filtered };
}

/**
 * The run's totals once the page is committed. Counts are per update over the whole run: an
 * update an earlier page already counted moves from its old outcome to its new one.
 */
function progressAfter(
  totals: RunTotals,
  page: CheckedPage,
  plan: BatchPlan,
  tracked: Map<string, StateBeforeRun>,
): { progress: SyncRunProgress; firstSeen: { updateId: string; before: StateBeforeRun }[] } {
  const counts = { ...totals.counts };
  const firstSeen: { updateId: string; before: StateBeforeRun }[] = [];
  for (const [updateId, { before, after }] of plan.outcomes) {
    if (tracked.has(updateId)) {
      const beforeRun = tracked.get(updateId) ?? null;
      counts[outcomeOf(beforeRun, before ?? after)]--;
      counts[outcomeOf(beforeRun, after)]++;
    } else {
      firstSeen.push({ updateId, before: before && { currentRevision: before.currentRevision, expired: before.expired } });
      counts[outcomeOf(before, after)]++;
    }
  }
  const errors = [...page.itemErrors, ...plan.itemErrors];
  const progress: SyncRunProgress = {
    newUpdates: counts.new,
    revisedUpdates: counts.revised,
    expiredUpdates: counts.expired,
    unchangedUpdates: counts.unchanged,
    itemsProcessed: totals.itemsProcessed + page.itemCount,
    itemsFiltered: totals.itemsFiltered + page.filtered,
    pagesProcessed: totals.pagesProcessed + 1,
    itemErrorCount: totals.itemErrorCount + errors.length,
    appendItemErrors: errors.slice(0, Math.max(0, ITEM_ERRORS_KEPT - totals.itemErrorCount)),
    cursorAfter: page.cursor ?? totals.cursorAfter,
    nextPage: page.next,
    upstreamLog: page.log,
  };
  return { progress, firstSeen };
}

function totalsOf(run: SyncRunEntity): RunTotals {
  return {
    counts: { new: run.newUpdates, revised: run.revisedUpdates, expired: run.expiredUpdates, unchanged: run.unchangedUpdates },
    itemsProcessed: run.itemsProcessed,
    itemsFiltered: run.itemsFiltered,
    pagesProcessed: run.pagesProcessed,
    itemErrorCount: run.itemErrorCount,
    cursorAfter: run.cursorAfter,
  };
}

/** The run's filters: a classification in the list, and a product equal to or below a listed path. Empty: all. */
function productAndClassificationFilter(run: SyncRunEntity): (item: NormalizedFeedItem) => boolean {
  const classifications = new Set<string>(run.classifications);
  const products = run.products;
  return ({ item }) =>
    (classifications.size === 0 || classifications.has(item.classification)) &&
    (products.length === 0 || item.products.some((path) => products.some((wanted) => path === wanted || path.startsWith(`${wanted}/`))));
}

function describeFailure(error: MalformedPageError | UpstreamError | UpstreamRefusedError, pageUrl: string | null): string {
  // Upstream errors already name the URL they were fetching; refusals name what they refused.
  if (error instanceof UpstreamError || error instanceof UpstreamRefusedError) return error.message;
  return `page ${pageUrl ?? '(unknown)'} is malformed: ${error.message}`;
}
