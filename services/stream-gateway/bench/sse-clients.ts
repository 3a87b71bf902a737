/**
 * Child process of the gateway bench: opens N SSE connections to a URL and measures what they
 * receive. Kept apart from the server so clients and server do not share one event loop.
 * argv: url, clients, headers JSON. Reads "start"/"stop" lines on stdin; prints one JSON line.
 */
import { request } from 'node:http';
import { createInterface } from 'node:readline';

const [url = '', clientsArg = '1', headersJson = '{}'] = process.argv.slice(2);
const clients = Number(clientsArg);
const headers = JSON.parse(headersJson) as Record<string, string>;
let counting = false;
let delivered = 0;
const latencies: number[] = [];
let connected = 0;
let failed = 0;
let cpuAtStart = process.cpuUsage();
let startedAt = 0;

const MARK = '"timestamp":"';

/**
 * Count events in a chunk; on one connection in 20 also read the publisher's send time (the
 * event's ISO `timestamp`) for latency. Cheap on purpose: the client must not be the bottleneck.
 */
function onChunk(text: string, sampled: boolean): void {
  if (!counting) return;
  let at = text.indexOf(MARK);
  const now = Date.now();
  while (at >= 0) {
    delivered++;
    const start = at + MARK.length;
    // A timestamp cut by the end of this chunk is not a sample (NaN would break the sort).
    const sent = sampled ? Date.parse(text.slice(start, start + 24)) : Number.NaN;
    if (Number.isFinite(sent)) latencies.push(now - sent);
    at = text.indexOf(MARK, start);
  }
}

function open(i: number): void {
  const req = request(url, { headers: { Accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
    if (res.statusCode !== 200) {
      failed++;
      res.resume();
      return;
    }
    connected++;
    res.setEncoding('utf8');
    res.on('data', (text: string) => onChunk(text, i % 20 === 0));
  });
  req.on('error', () => failed++);
  req.end();
}

for (let i = 0; i < clients; i++) {
  open(i);
  if (i % 200 === 199) await new Promise((r) => setTimeout(r, 20));
}
const wait = async () => {
  while (connected + failed < clients) await new Promise((r) => setTimeout(r, 20));
};
await wait();
process.stdout.write(`${JSON.stringify({ connected, failed })}\n`);

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line === 'start') {
    counting = true;
    cpuAtStart = process.cpuUsage();
    startedAt = performance.now();
  }
  if (line === 'stop') {
    counting = false;
    const used = process.cpuUsage(cpuAtStart);
    const ms = performance.now() - startedAt;
    const cpu = Math.round(((used.user + used.system) / 1e3 / ms) * 100);
    const cpuSys = Math.round((used.system / 1e3 / ms) * 100);
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    process.stdout.write(`${JSON.stringify({ delivered, p50: pct(0.5), p99: pct(0.99), cpu, cpuSys })}\n`);
    process.exit(0);
  }
}
