import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../outbound/webhook-signature';

export interface ReceivedRequest { path: string; headers: IncomingHttpHeaders; body: string }

/**
 * A real HTTP receiver in-process for webhooks and callbacks. `answer` may refuse a request (a
 * status code) before it counts as received; `verified` checks each signature and parses the body.
 */
export async function startWebhookReceiver(answer: (path: string) => number = () => 200) {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      res.statusCode = answer(path);
      if (res.statusCode < 300) received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    received,
    url: (path: string) => `${base}${path}`,
    /** The bodies received on `path` (all if absent), each after its signature verified with `secret`. */
    verified(secret: string, path?: string): any[] {
      return received.filter((request) => path === undefined || request.path === path).map(({ headers, body }) => {
        const valid = verifyWebhook(secret, {
          'webhook-id': headers['webhook-id'] as string,
          'webhook-timestamp': headers['webhook-timestamp'] as string,
          'webhook-signature': headers['webhook-signature'] as string,
        }, body);
        if (!valid) throw new Error(`signature of ${headers['webhook-id']} does not verify`);
        return JSON.parse(body);
      });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
