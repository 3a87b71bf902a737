import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A small TCP round-robin load balancer: each new connection goes to the next backend; a
 * backend that refuses the connection is skipped. Stands in for the ingress in front of
 * several gateway replicas.
 */
export class RoundRobinProxy {
  private server: Server | undefined;
  private next = 0;
  private readonly sockets = new Set<Socket>();
  readonly connectionsPerBackend: number[];

  constructor(private readonly backends: Array<{ host: string; port: number }>) {
    this.connectionsPerBackend = backends.map(() => 0);
  }

  async listen(): Promise<string> {
    this.server = createServer((client) => this.route(client, 0));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  private route(client: Socket, tried: number): void {
    if (tried >= this.backends.length) {
      client.destroy();
      return;
    }
    const index = this.next++ % this.backends.length;
    const backend = this.backends[index]!;
    const upstream = connect(backend.port, backend.host);
    client.pause();
    this.track(client);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.connectionsPerBackend[index]!++;
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.once('close', end);
      upstream.once('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
    // A backend that refuses the connection (a dead replica): try the next one.
    upstream.once('error', () => {
      if (!connected && !client.destroyed) this.route(client, tried + 1);
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
