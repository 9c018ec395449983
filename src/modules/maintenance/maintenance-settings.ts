/** What the maintenance run does; stored in maintenance_config, copied into each run when it is queued. */
export interface MaintenanceSettings {
  /** Cron expression (UTC) of scheduled runs; null: manual runs only. */
  schedule: string | null;
  /** Decline updates superseded for this many days that no computer needs; 0: never. */
  declineSupersededAfterDays: number;
  /** Decline updates the upstream expired. */
  declineExpired: boolean;
  /** Remove computers with no contact for this many days, with their status history; 0: never. */
  removeComputersAfterDays: number;
  /** Prune status events received more than this many days ago (the current state stays); 0: never. */
  statusHistoryDays: number;
  /** Delete stored update files that no approval needs any more (content store). */
  deleteUnneededContent: boolean;
  /** VACUUM (ANALYZE) the busiest tables at the end of a run. */
  vacuum: boolean;
  /** Rows per transaction: a batch holds its locks only this long. */
  batchSize: number;
}

export const MAINTENANCE_TRIGGERS = ['manual', 'scheduled'] as const;
export type MaintenanceTrigger = (typeof MAINTENANCE_TRIGGERS)[number];

export const MAINTENANCE_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type MaintenanceRunStatus = (typeof MAINTENANCE_RUN_STATUSES)[number];

/** A task's progress on its run: committed with each batch, so a resumed run neither redoes nor double counts it. */
export interface TaskProgress {
  /** rows (or tables) the task handled so far */
  count: number;
  done: boolean;
  /** false when the settings switched the task off */
  enabled: boolean;
}

export interface MaintenanceRun {
  id: string;
  seq: string;
  trigger: MaintenanceTrigger;
  status: MaintenanceRunStatus;
  requestedBy: string | null;
  settings: MaintenanceSettings;
  tasks: Record<string, TaskProgress>;
  attempts: number;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
}
