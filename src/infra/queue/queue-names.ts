/** Queue names live in Redis keys: never rename a value, only add. */
export enum QueueName {
  Sync = 'sync',
  Rules = 'rules',
  StatusIngest = 'status-ingest',
  Maintenance = 'maintenance',
  Content = 'content',
  Apt = 'apt',
  AptPublish = 'apt-publish',
}

/**
 * Job names: every one has exactly one handler, checked when the worker starts (JobHandlerCheck).
 * Add a name together with its handler.
 */
export enum JobName {
  SyncCatalog = 'sync-catalog',
  ScheduledSync = 'scheduled-sync',
  EvaluateRules = 'evaluate-rules',
  IngestStatus = 'ingest-status',
  PruneAuditEvents = 'prune-audit-events',
  RequestContent = 'request-content',
  DownloadContent = 'download-content',
  RunMaintenance = 'run-maintenance',
  ScheduledMaintenance = 'scheduled-maintenance',
  RenewAptReleases = 'renew-apt-releases',
  PublishAptSuite = 'publish-apt-suite',
}
