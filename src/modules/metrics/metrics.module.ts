import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { QueueName } from '../../infra/queue/queue-names';
import { SettingsModule } from '../settings/settings.module';
import { PersistedEventsCounter } from './persisted-events.counter';
import { MetricsRepository } from './metrics.repository';
import { MetricsRegistry } from './metrics-registry';
import { RequestMetrics } from './request-metrics';
import { StateMetrics } from './state-metrics';

/** `GET /metrics` (API process only). Global: any API module may inject MetricsRegistry to add a metric. */
@Global()
@Module({
  imports: [SettingsModule, BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name })))],
  providers: [MetricsRegistry, RequestMetrics, MetricsRepository, PersistedEventsCounter, StateMetrics],
  exports: [MetricsRegistry, RequestMetrics],
})
export class MetricsModule {}
