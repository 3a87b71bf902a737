/**
 * The cameras of the ingest bench, in a process of their own (as real cameras are): `workers`
 * keep-alive HTTP clients each POST the same JPEG in a loop for `seconds`, then one JSON line
 * `{frames, seconds}` goes to stdout. Run by bench/run.ts, not by hand.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface PusherJob {
  port: number;
  /** One path per worker (a device each). */
  paths: string[];
  key: string;
  jpegPath: string;
  seconds: number;
}

function postFrame(agent: Agent, port: number, path: string, key: string, jpeg: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${key}`,
      'content-type': 'image/jpeg',
      'content-length': jpeg.length,
    };
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 202 ? resolve() : reject(new Error(`answered ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(jpeg);
  });
}

async function push(job: PusherJob): Promise<{ frames: number; seconds: number }> {
  const jpeg = readFileSync(job.jpegPath);
  // node:http with keep-alive: undici's fetch costs ~3× more CPU per request.
  const agent = new Agent({ keepAlive: true, maxSockets: job.paths.length });
  const started = Date.now();
  const until = started + job.seconds * 1000;
  let frames = 0;
  await Promise.all(
    job.paths.map(async (path) => {
      while (Date.now() < until) {
        await postFrame(agent, job.port, path, job.key, jpeg);
        frames++;
      }
    }),
  );
  agent.destroy();
  return { frames, seconds: (Date.now() - started) / 1000 };
}

const job = JSON.parse(process.argv[2] ?? '{}') as PusherJob;
process.stdout.write(`${JSON.stringify(await push(job))}\n`);
