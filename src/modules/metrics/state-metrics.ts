import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { QueueName } from '../../infra/queue/queue-names';
import { SettingsService } from '../settings/settings.service';
import { PersistedEventsCounter } from './persisted-events.counter';
import { MetricsRepository } from './metrics.repository';
import { MetricsRegistry } from './metrics-registry';

/** Queue states shown per queue; `failed` are jobs that ran out of attempts (kept for 7 days). */
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Calls made while a read is pending share it; the next call after it settles reads again. */
function shareWhilePending<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => (pending ??= read().finally(() => (pending = null)));
}

/**
 * Metrics read from the shared state when scraped, so every API replica reports the same values
 * and the worker needs no HTTP listener: PostgreSQL (sync log, computers, maintenance log) and
 * Redis (queues, the workers' count of stored status events).
 */
@Injectable()
export class StateMetrics {
  constructor(metrics: MetricsRegistry, repository: MetricsRepository, settings: SettingsService, persisted: PersistedEventsCounter, moduleRef: ModuleRef) {
    metrics.externalCounter({
      name: 'patchgate_status_events_persisted_total',
      help: 'Status events stored by the workers (all of them, counted in Redis)',
      read: () => persisted.read(),
    });

    metrics.gauge({
      name: 'patchgate_sync_runs',
      help: 'Sync runs in the sync log, by status',
      labelNames: ['status'],
      collect: async (gauge) => {
        gauge.reset();
        for (const { status, runs } of await repository.syncRunsByStatus()) gauge.set({ status }, runs);
      },
    });
    // Three gauges of one row: they share the read while a scrape collects them.
    const lastRun = shareWhilePending(() => repository.lastFinishedSyncRun());
    metrics.gauge({
      name: 'patchgate_sync_last_run_duration_seconds',
      help: 'How long the last finished sync run took',
      collect: async (gauge) => {
        const run = await lastRun();
        if (run) gauge.set(run.durationSeconds);
      },
    });
    metrics.gauge({
      name: 'patchgate_sync_last_run_succeeded',
      help: '1 when the last finished sync run succeeded, 0 when it failed',
      collect: async (gauge) => {
        const run = await lastRun();
        if (run) gauge.set(run.status === 'succeeded' ? 1 : 0);
      },
    });
    metrics.gauge({
      name: 'patchgate_sync_last_run_updates',
      help: 'Updates the last finished sync run counted, by change',
      labelNames: ['change'],
      collect: async (gauge) => {
        const run = await lastRun();
        if (!run) return;
        const changes = { new: run.newUpdates, revised: run.revisedUpdates, expired: run.expiredUpdates, unchanged: run.unchangedUpdates };
        for (const [change, count] of Object.entries(changes)) gauge.set({ change }, count);
      },
    });
    this.lastSuccess(metrics, repository, 'sync_runs', 'patchgate_sync_last_success_timestamp_seconds', 'When a sync run last succeeded (Unix time)');
    this.lastSuccess(metrics, repository, 'maintenance_runs', 'patchgate_maintenance_last_success_timestamp_seconds', 'When a maintenance run last succeeded (Unix time)');

    metrics.gauge({
      name: 'patchgate_computers',
      help: "Computers in service by staleness (no contact for the settings' staleAfterDays: stale)",
      labelNames: ['staleness'],
      collect: async (gauge) => {
        const counts = await repository.computersByStaleness((await settings.current()).staleAfterDays);
        gauge.set({ staleness: 'fresh' }, counts.fresh);
        gauge.set({ staleness: 'stale' }, counts.stale);
      },
    });

    const queues = Object.values(QueueName).map((name) => moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    metrics.gauge({
      name: 'patchgate_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      collect: async (gauge) => {
        const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...JOB_STATES)));
        queues.forEach((queue, i) => JOB_STATES.forEach((state) => gauge.set({ queue: queue.name, state }, counts[i][state] ?? 0)));
      },
    });
  }

  private lastSuccess(metrics: MetricsRegistry, repository: MetricsRepository, table: 'sync_runs' | 'maintenance_runs', name: string, help: string): void {
    metrics.gauge({
      name,
      help,
      collect: async (gauge) => {
        const at = await repository.lastSuccessAt(table);
        if (at !== null) gauge.set(at);
      },
    });
  }
}
