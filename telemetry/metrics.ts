import { Counter, Histogram, register } from 'prom-client';

/**
 * The booking service's own metrics, in prom-client's default registry: the API serves it at
 * /metrics, the worker on WORKER_METRICS_PORT. Labels are templates and codes, never ids.
 */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const bookingTransitions = new Counter({
  name: 'booking_transitions_total',
  help: 'Booking transitions by the status entered',
  labelNames: ['status'] as const,
});

export const holdLatency = new Histogram({
  name: 'booking_hold_latency_seconds',
  help: 'POST /v1/bookings until the hold, the waiting-list place or the refusal is answered, by status code',
  labelNames: ['status'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const refusals = new Counter({
  name: 'booking_refusals_total',
  help: 'Requests refused by the booking rules (409), by code',
  labelNames: ['code'] as const,
});

export const deliveries = new Counter({
  name: 'booking_deliveries_total',
  help: 'Webhook and per-booking callback deliveries by outcome (delivered, disabled, skipped, failed = will be retried)',
  labelNames: ['target', 'outcome'] as const,
});

/** For the reconciler (a Temporal Schedule): bookings it repaired, by what it did. */
export const reconcilerRepairs = new Counter({
  name: 'booking_reconciler_repairs_total',
  help: 'Bookings the reconciler repaired, by action',
  labelNames: ['action'] as const,
});

export const metricsRegistry = register;
