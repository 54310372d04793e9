import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { bookingTransitions, holdLatency, httpRequestDuration, metricsRegistry, refusals } from '../telemetry/metrics';
import { routeOf } from './access-log';
import { Unauthorized } from './errors';

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

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * GET /metrics in the Prometheus text format; with a token, only for `Authorization: Bearer
 * <token>` (Prometheus' `authorization` setting), since the totals span every organization.
 */
export function metricsRoute(token: string | null): RequestHandler {
  return async (req, res) => {
    if (token !== null) {
      const given = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!sameSecret(given, token)) {
        res.set('www-authenticate', 'Bearer realm="metrics"');
        throw new Unauthorized('send "Authorization: Bearer <METRICS_TOKEN>"');
      }
    }
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  };
}
