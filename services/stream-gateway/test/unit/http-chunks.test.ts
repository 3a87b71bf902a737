import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { directSocket, httpChunk } from '../../src/adapters/http-chunks.js';

/** A real HTTP server whose one route runs `handle`; the body is read by Node's own HTTP client. */
async function serveOnce(
  handle: (res: ServerResponse) => void,
): Promise<{ body: string; headers: IncomingMessage['headers'] }> {
  const server = createServer((_req, res) => handle(res));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get({ port, host: '127.0.0.1', path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ body, headers: res.headers }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('direct HTTP chunks', () => {
  it('frames bytes as one chunk that a real HTTP client decodes, between writes made through res', async () => {
    const { body, headers } = await serveOnce((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('retry: 3000\n\n');
      const socket = directSocket(res);
      expect(socket).toBeDefined();
      socket!.write(httpChunk(Buffer.from('data: ü 1\n\ndata: 2\n\n')));
      res.write(': heartbeat\n\n');
      socket!.write(httpChunk(Buffer.from('data: 3\n\n')));
      res.end('event: disconnect\ndata: {}\n\n');
    });
    expect(headers['transfer-encoding']).toBe('chunked');
    expect(body).toBe(
      'retry: 3000\n\ndata: ü 1\n\ndata: 2\n\n: heartbeat\n\ndata: 3\n\nevent: disconnect\ndata: {}\n\n',
    );
  });

  it('is not offered before the headers are on the wire, nor for a body that is not chunked', async () => {
    const seen: (string | undefined)[] = [];
    await serveOnce((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      seen.push(directSocket(res) ? 'direct' : undefined); // headers stored, not yet sent
      res.end('x');
    });
    await serveOnce((res) => {
      res.useChunkedEncodingByDefault = false; // a close-delimited body: no chunk framing
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('a');
      seen.push(directSocket(res) ? 'direct' : undefined);
      res.end();
    });
    expect(seen).toEqual([undefined, undefined]);
  });

  it('is not offered to a pipelined request while an earlier response still owns the socket', async () => {
    const seen: (string | undefined)[] = [];
    const held: ServerResponse[] = [];
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`${req.url}\n`);
      seen.push(directSocket(res) ? `${req.url} direct` : `${req.url} through res`);
      if (req.url === '/first') held.push(res);
      else res.end();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 100));
    held[0]?.end();
    await new Promise((r) => setTimeout(r, 50));
    client.destroy();
    expect(seen).toEqual(['/first direct', '/second through res']);
  });
});
