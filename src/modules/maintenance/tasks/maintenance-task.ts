import { EntityManager } from 'typeorm';
import { MaintenanceSettings } from '../maintenance-settings';

/** What a task's batch knows of its run. */
export interface TaskContext {
  settings: MaintenanceSettings;
  /** When the run first started: every cutoff is measured from it, so a resumed run uses the same ones. */
  startedAt: Date;
  /** What the task already did in this run (e.g. the position of the next table to vacuum). */
  countSoFar: number;
}

export interface TaskBatch {
  /** rows (or tables) this batch handled */
  count: number;
  /** nothing is left to do */
  done: boolean;
  /** Side effects for after the commit (e.g. bumping offer versions), so caches never run ahead of the database. */
  afterCommit?: () => Promise<void>;
}

/**
 * One kind of clean-up. The runner calls `runBatch` until it answers `done`; each batch must be
 * bounded (settings.batchSize) and idempotent: select what still needs doing, do it, so a batch
 * repeated after a crash finds nothing left of what it did. To add a task, implement this,
 * provide it in MaintenanceModule (its TASKS) and list it in MAINTENANCE_TASK_ORDER.
 */
export interface MaintenanceTask {
  readonly name: MaintenanceTaskName;
  /** Whether the settings switch the task on. */
  enabled(settings: MaintenanceSettings): boolean;
  /**
   * True: the runner gives a transaction (and records the batch's progress in it). False: the task
   * runs its own statements (VACUUM cannot run inside a transaction) and must be safe to repeat.
   */
  readonly transactional: boolean;
  runBatch(manager: EntityManager, context: TaskContext): Promise<TaskBatch>;
}

/** Task names are keys of the stored progress: never rename one. */
export enum MaintenanceTaskName {
  DeclineSuperseded = 'declineSuperseded',
  DeclineExpired = 'declineExpired',
  RemoveStaleComputers = 'removeStaleComputers',
  PruneStatusHistory = 'pruneStatusHistory',
  DeleteUnneededContent = 'deleteUnneededContent',
  Vacuum = 'vacuum',
}

/** The order tasks run in: declines and removals first, so the vacuum that ends the run reclaims what they freed. */
export const MAINTENANCE_TASK_ORDER: MaintenanceTaskName[] = [
  MaintenanceTaskName.DeclineSuperseded,
  MaintenanceTaskName.DeclineExpired,
  MaintenanceTaskName.RemoveStaleComputers,
  MaintenanceTaskName.PruneStatusHistory,
  MaintenanceTaskName.DeleteUnneededContent,
  MaintenanceTaskName.Vacuum,
];

export const DAY_MS = 24 * 3600 * 1000;

/** The moment `days` days before the run started. */
export const cutoff = (context: TaskContext, days: number): Date => new Date(context.startedAt.getTime() - days * DAY_MS);
