import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * The app's only way to a dependency (the test PostgreSQL, the test Temporal): a TCP relay this test
 * can take down (existing connections dropped, new ones refused) and bring back on the same port,
 * as a server that stops and restarts looks to the app, or hang (connections stay open, nothing is
 * answered, as a SIGSTOPped server looks) and resume, without touching the servers other test
 * files share.
 */
export class DependencyLink {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private hung = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      const pair = { client, upstream };
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
      if (this.hung) client.pause();
      else client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Nothing passes either way any more, on open connections and on new ones. */
  hang(): void {
    this.hung = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** What was sent meanwhile arrives now, as after SIGCONT. */
  resume(): void {
    this.hung = false;
    for (const { client, upstream } of this.pairs) client.pipe(upstream).pipe(client);
  }
}
