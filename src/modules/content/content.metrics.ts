import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { ContentFailuresCounter } from './content-failures.counter';
import { ContentRepository } from './content.repository';

/** The content store's series in GET /metrics, read when scraped. */
@Injectable()
export class ContentMetrics {
  constructor(metrics: MetricsRegistry, files: ContentRepository, failures: ContentFailuresCounter) {
    metrics.gauge({
      name: 'patchgate_content_bytes_stored',
      help: 'Bytes of verified update files in the content store',
      collect: async (gauge) => gauge.set((await files.totals()).bytesStored),
    });
    metrics.gauge({
      name: 'patchgate_content_files',
      help: 'Files the content store tracks, by status (pending, stored, failed)',
      labelNames: ['status'],
      collect: async (gauge) => {
        const { pending, stored, failed } = await files.totals();
        for (const [status, count] of Object.entries({ pending, stored, failed })) gauge.set({ status }, count);
      },
    });
    metrics.externalCounter({
      name: 'patchgate_content_download_failures_total',
      help: 'Failed download attempts (transfer errors, retried; and files whose bytes did not match, failed at once)',
      read: () => failures.read(),
    });
  }
}
