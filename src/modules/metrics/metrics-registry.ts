import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, CounterConfiguration, Gauge, GaugeConfiguration, Histogram, HistogramConfiguration, Registry } from 'prom-client';

/**
 * This API process's Prometheus registry (one per application, so several apps in one process,
 * as in the tests, do not collide), with Node's default process metrics.
 *
 * To add a metric, inject MetricsRegistry into any API provider and declare it there. A value read
 * at scrape time is a gauge with `collect`, e.g.
 * `metrics.gauge({ name: 'patchgate_content_bytes_stored', help: '…', collect: async (g) => g.set(await repo.bytesStored()) })`.
 * A failing collect is logged and leaves the last value; it never fails the scrape.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsRegistry.name);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return new Histogram({ ...config, registers: [this.registry] });
  }

  /** A gauge whose value `collect` reads at scrape time (its errors are logged, not thrown). */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers' | 'collect'> & { collect?: (gauge: Gauge<L>) => Promise<void> }): Gauge<L> {
    const { collect, ...rest } = config;
    const logger = this.logger;
    return new Gauge<L>({
      ...rest,
      registers: [this.registry],
      async collect() {
        await collect?.(this).catch((error: unknown) => logger.warn(`metric ${config.name}: ${(error as Error).message}`));
      },
    });
  }

  /** A counter kept elsewhere (e.g. in Redis by the workers), read at scrape time. */
  externalCounter(config: { name: string; help: string; read: () => Promise<number> }): Counter {
    const logger = this.logger;
    return new Counter({
      name: config.name,
      help: config.help,
      registers: [this.registry],
      async collect() {
        try {
          const value = await config.read();
          this.reset();
          this.inc(value);
        } catch (error) {
          logger.warn(`metric ${config.name}: ${(error as Error).message}`);
        }
      },
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
