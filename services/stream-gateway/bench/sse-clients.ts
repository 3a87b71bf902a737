/**
 * Child process of the gateway bench: opens N SSE connections to a URL and measures what they
 * receive. Kept apart from the server so clients and server do not share one event loop.
 * argv: url, clients, headers JSON. Reads "start"/"stop" lines on stdin; prints one JSON line.
 */
import { request } from 'node:http';
import { ClientTally } from './client-tally.js';

const [url = '', clientsArg = '1', headersJson = '{}'] = process.argv.slice(2);
const clients = Number(clientsArg);
const headers = JSON.parse(headersJson) as Record<string, string>;
const tally = new ClientTally();

const MARK = '"timestamp":"';

/**
 * Count events in a chunk; on one connection in 20 also read the publisher's send time (the
 * event's ISO `timestamp`) for latency. Cheap on purpose: the client must not be the bottleneck.
 */
function onChunk(text: string, sampled: boolean): void {
  if (!tally.counting) return;
  let at = text.indexOf(MARK);
  while (at >= 0) {
    const start = at + MARK.length;
    // A timestamp cut by the end of this chunk is not a sample (NaN would break the sort).
    tally.event(sampled ? Date.parse(text.slice(start, start + 24)) : Number.NaN);
    at = text.indexOf(MARK, start);
  }
}

function open(i: number): void {
  const req = request(url, { headers: { Accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
    if (res.statusCode !== 200) {
      tally.failed++;
      res.resume();
      return;
    }
    tally.connected++;
    res.setEncoding('utf8');
    res.on('data', (text: string) => onChunk(text, i % 20 === 0));
  });
  req.on('error', () => tally.failed++);
  req.end();
}

await tally.openAll(clients, open);
await tally.serve();
