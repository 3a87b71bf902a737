/**
 * `pnpm bench:gateway`: N SSE clients (a child process) at E events/s through the real gateway
 * (NATS JetStream → SSE), side by side with a bare Node HTTP server writing the same
 * pre-serialised events. Prints delivered events/s, p50/p99 latency, RSS per idle connection and
 * server CPU. Asserts nothing. Options: --clients N --rate E --seconds S. Run with
 * `tsx --expose-gc` so RSS per connection is measured after a forced GC.
 */
import { parseArgs } from 'node:util';
import { runBench } from '../services/stream-gateway/bench/run.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
  },
});

process.stdout.write(
  `${await runBench({
    clients: Number(values.clients),
    eventsPerSecond: Number(values.rate),
    seconds: Number(values.seconds),
  })}\n`,
);
process.exit(0);
