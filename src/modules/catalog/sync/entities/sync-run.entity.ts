import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Classification } from '../../update-revision';
import { UpstreamKind } from '../upstreams/upstream-kind';

export const SYNC_TRIGGERS = ['manual', 'scheduled'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

export const SYNC_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

export interface SyncItemError {
  updateId: string | null;
  reason: string;
}

/** One catalog sync: the sync log row, and the position a resumed run continues from. */
@Entity('sync_runs')
export class SyncRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Order of the log (queued order); not shown. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Column('varchar', { length: 10 })
  trigger: SyncTrigger;

  @Column('varchar', { length: 10 })
  status: SyncRunStatus;

  /** Who asked for a manual run. */
  @Column('varchar', { length: 100, nullable: true })
  requestedBy: string | null;

  @Column('varchar', { length: 40 })
  upstreamKind: UpstreamKind;

  @Column('text')
  upstreamUrl: string;

  /** The product filter in force when the run was queued (empty: every product). */
  @Column('text', { array: true })
  products: string[];

  @Column('varchar', { length: 20, array: true })
  classifications: Classification[];

  @Column('timestamptz')
  queuedAt: Date;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  @Column('int')
  newUpdates: number;

  @Column('int')
  revisedUpdates: number;

  @Column('int')
  expiredUpdates: number;

  @Column('int')
  unchangedUpdates: number;

  /** The first item errors (capped); `itemErrorCount` counts them all. Loaded only when asked for: lists stay light. */
  @Column('jsonb', { select: false })
  itemErrors: SyncItemError[];

  @Column('int')
  itemErrorCount: number;

  @Column('int')
  itemsProcessed: number;

  /** Valid items left out by the product or classification filter. */
  @Column('int')
  itemsFiltered: number;

  @Column('int')
  pagesProcessed: number;

  @Column('text', { nullable: true })
  cursorBefore: string | null;

  @Column('text', { nullable: true })
  cursorAfter: string | null;

  /** URL of the page a (resumed) run reads next; null once the run is over. */
  @Column('text', { nullable: true })
  nextPage: string | null;

  @Column('text', { nullable: true })
  error: string | null;

  /** What the upstream's kind fetched (e.g. per suite for `apt`). Loaded only when asked for. */
  @Column('jsonb', { nullable: true, select: false })
  upstreamLog: Record<string, unknown> | null;
}
