import { once } from 'node:events';
import type { Server } from 'node:http';
import express from 'express';
import { problemDetails } from './errors';
import { metricsRoute } from './request-metrics';

/** GET /metrics alone on a port of its own (METRICS_PORT), for a scraper inside the network; the token applies here too when set. */
export async function serveMetrics(port: number, host: string, token: string | null): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsRoute(token));
  app.use(problemDetails);
  const server = app.listen(port, host);
  await once(server, 'listening');
  return server;
}
