import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { DenialThrottle } from './events/denial-throttle';

/** The audit trail's series in GET /metrics (API process only). */
@Injectable()
export class AuditMetrics {
  constructor(metrics: MetricsRegistry, denials: DenialThrottle) {
    metrics.externalCounter({
      name: 'patchgate_audit_denials_suppressed_total',
      help: 'Denied requests counted but not recorded in the audit trail (beyond the per-address bound a minute)',
      read: () => denials.suppressed.read(),
    });
  }
}
