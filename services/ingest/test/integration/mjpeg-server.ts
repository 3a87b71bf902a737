import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { dataPath } from '@sightline/testing';

export interface MjpegServer {
  url: string;
  /** Stream connections opened so far (a reconnect opens another). */
  connections: () => number;
  close(): Promise<void>;
}

/**
 * A camera for tests: `/stream` serves real JPEGs (TUD-Campus, 640×480) as
 * multipart/x-mixed-replace at `fps`, closing each connection after `framesPerConnection`;
 * `/snapshot.jpg` serves one JPEG per request.
 */
export async function startMjpegServer({
  fps = 10,
  framesPerConnection = Number.POSITIVE_INFINITY,
} = {}): Promise<MjpegServer> {
  const dir = dataPath('mot', 'TUD-Campus', 'img1');
  const frames = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, 20)
    .map((f) => readFileSync(join(dir, f)));
  let connections = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/snapshot.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': frames[0]!.length });
      return res.end(frames[0]);
    }
    if (req.url !== '/stream') return res.writeHead(404).end();
    connections++;
    res.writeHead(200, {
      'content-type': 'multipart/x-mixed-replace; boundary=frame',
      'cache-control': 'no-cache',
    });
    let sent = 0;
    const timer = setInterval(() => {
      const jpeg = frames[sent % frames.length]!;
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
      if (++sent >= framesPerConnection) {
        clearInterval(timer);
        res.destroy();
      }
    }, 1000 / fps);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
