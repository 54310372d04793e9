import http from 'node:http';
import { metricsRegistry } from './metrics';

/** The worker's booking metrics (transitions, deliveries) on their own port, as GET /metrics. */
export function serveWorkerMetrics(port: number): http.Server {
  return http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void metricsRegistry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text);
    });
  }).listen(port);
}
