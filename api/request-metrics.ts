import type { RequestHandler } from 'express';
import { bookingTransitions, holdLatency, httpRequestDuration, metricsRegistry, refusals } from '../telemetry/metrics';
import { routeOf } from './access-log';

/** Observes every answer once it is sent: its duration by route template, and what a reservation came to. */
export const requestMetrics: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeOf(req);
    httpRequestDuration.observe({ method: req.method, route, status: res.statusCode }, seconds);
    if (res.statusCode === 409 && res.locals.problemCode) refusals.inc({ code: String(res.locals.problemCode) });
    if (req.method === 'POST' && route === '/v1/bookings') {
      holdLatency.observe({ status: res.statusCode }, seconds);
      // The first transitions happen here, before a workflow exists; the worker counts the rest.
      if (res.statusCode === 201) bookingTransitions.inc({ status: 'held' });
      if (res.statusCode === 202) bookingTransitions.inc({ status: 'waitlisted' });
    }
  });
  next();
};

/** GET /metrics in the Prometheus text format. */
export const metricsRoute: RequestHandler = async (_req, res) => {
  res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
};
