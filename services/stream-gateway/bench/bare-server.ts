import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The limit the gateway is compared with: a bare Node HTTP server that writes one
 * pre-serialised SSE event to every open socket, with no NATS, auth or bookkeeping.
 */
export async function startBareServer(): Promise<{
  url: string;
  broadcast(frame: string): void;
  server: Server;
}> {
  const sockets = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write('retry: 3000\n\n');
    sockets.add(res);
    req.on('close', () => sockets.delete(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    server,
    broadcast(frame) {
      for (const res of sockets) res.write(frame);
    },
  };
}
