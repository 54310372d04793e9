import http from 'node:http';
import type { Worker } from '@temporalio/worker';

/**
 * The worker serves no API, so an orchestrator's health check (compose, Kubernetes) asks this:
 * 200 while the worker polls its task queue, 503 once it stops or drains.
 */
export function serveWorkerHealth(worker: Worker, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const state = worker.getState();
    const healthy = req.url === '/healthz' && state === 'RUNNING';
    res.writeHead(req.url === '/healthz' ? (healthy ? 200 : 503) : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: healthy ? 'ok' : 'unavailable', worker: state }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
