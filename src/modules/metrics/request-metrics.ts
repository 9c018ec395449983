import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/**
 * Request counts and latencies by route template (never the raw URL: ids would explode the
 * series; unknown paths are `unmatched`) and status, from one Fastify onResponse hook. Check-ins
 * and status events are counted where they are answered.
 */
@Injectable()
export class RequestMetrics implements OnModuleInit {
  private readonly checkIns: Counter<'result'>;
  /** Children bound once: the check-in hot path increments without hashing labels. */
  readonly checkInAnswered: Counter.Internal;
  readonly checkInNotModified: Counter.Internal;
  /** Check-in requests the shortcut past Nest's router served, and those it left to the router. */
  readonly checkInByShortcut: Counter.Internal;
  readonly checkInByRouter: Counter.Internal;
  readonly statusEventsAccepted: Counter;
  readonly statusEventsRejected: Counter;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.checkIns = metrics.counter({ name: 'patchgate_check_ins_total', help: 'Check-ins answered: 200 (an offer) or 304 (unchanged)', labelNames: ['result'] });
    this.checkInAnswered = this.checkIns.labels('200');
    this.checkInNotModified = this.checkIns.labels('304');
    const handlers = metrics.counter({
      name: 'patchgate_check_in_requests_total',
      help: "Check-in requests by handler: shortcut (served without Nest's router, its 401 and 429 included) or router (left to Nest's router by the shortcut, e.g. a body its one-pass check does not accept)",
      labelNames: ['handler'],
    });
    this.checkInByShortcut = handlers.labels('shortcut');
    this.checkInByRouter = handlers.labels('router');
    this.statusEventsAccepted = metrics.counter({ name: 'patchgate_status_events_accepted_total', help: 'Status events accepted (202) by this API process' });
    this.statusEventsRejected = metrics.counter({
      name: 'patchgate_status_events_rejected_total',
      help: 'Status events this API process did not accept because the catalog does not hold their update (listed in the 202 as rejected)',
    });
  }

  onModuleInit(): void {
    const duration = this.metrics.histogram({
      name: 'patchgate_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status; _count is the request count',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      duration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode }, reply.elapsedTime / 1000);
      done();
    });
  }
}
