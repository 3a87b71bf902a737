/**
 * `pnpm bench:gateway`: side by side in one run, N clients (in a child process) receiving E
 * events/s from
 *   (a) the gateway's SSE fan-out (JetStream ANALYSIS → SSE),
 *   (b) a bare Node HTTP server writing the same pre-serialised SSE events (the limit),
 *   (c) Socket.IO 4 broadcasting the same pre-serialised event (`io.emit`, websocket transport),
 *   (d) the gateway's WebSocket fan-out `/ws/events` (JetStream EVENTS → ws): the WS route whose
 *       path matches SSE's (one ordered consumer per tenant, each event serialised once, lossless).
 *       `/ws/stream/:id` is core NATS with drop-oldest, so it is not a fan-out of the same kind.
 * Prints delivered events/s, p50/p99 latency (the time an event was due to be sent → client
 * receive), for the gateway rows also its own p99 (JetStream store → written, from its histogram),
 * RSS per connection idle (after a forced GC) and active (peak during the run), CPU of this process
 * (+ nats-server for the gateway rows), CPU of the client process, the peak bytes waiting in the
 * kernel (read by it but not yet by the clients; in the server's send queues), and the load
 * average at each row. Asserts nothing. A case that cannot run (fd limit, refused clients,
 * timeout) is reported as such and the others still run.
 * Options: --clients N --rate E --seconds S --only a,b,c,d --client light|library
 * --batch-interval MS (the gateway's FANOUT_MIN_BATCH_INTERVAL_MS; its default when absent). Run with
 * `tsx --expose-gc`.
 * Events are due evenly, E a second (checked every millisecond), and each carries the time it was
 * due. The bare server and Socket.IO emit them in their own process (a broadcast is their whole
 * job); for the gateway rows a publisher child process stores them in JetStream, as the analytics
 * service does, so the gateway's event loop never delays the publishing and its CPU is its own.
 * Each row shows how late events were emitted (publisher lag p99), which the latency includes.
 * Clients: `light` (default) is one program for every server (services/stream-gateway/bench/
 * stream-clients.ts: raw TCP, counts events without decoding them, reads latency on one connection
 * in 20), so the clients, which share the machine's cores with the server, cost the same per event
 * whatever the server. `library` is what the bench used before: Node `http` for SSE
 * (bench/sse-clients.ts), the `ws` client, and socket.io-client, which decodes every packet.
 * Socket.IO: resolved from the workspace, else from $SOCKET_IO_DIR (a directory with
 * socket.io@4.8.4 and socket.io-client@4.8.4 in node_modules).
 *
 * `--case a|b|c|d` (one case, row as JSON), `--child ws|sio <url> <n> <headers>` (clients) and
 * `--publish sse|ws <nats url> <tenant> <device>` (the gateway rows' publisher) are this file's own
 * child processes, not for direct use.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type AnalysisResult, type AnalyticEvent, analyticEventId, subjects } from '@sightline/contracts';
import { connectNats, jetstream, publishJson } from '@sightline/nats';
import { findNatsServerBinary, type NatsServerHandle, repoRoot, spawnNatsServer } from '@sightline/testing';
import { startBareServer } from '../services/stream-gateway/bench/bare-server.js';
import { ClientTally } from '../services/stream-gateway/bench/client-tally.js';
import { GatewayEnv } from '../services/stream-gateway/src/config.js';
import { eventFrame } from '../services/stream-gateway/src/domain/sse-format.js';
import { runtimeFor, seedTenant, startGateway } from '../services/stream-gateway/test/support/gateway.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    clients: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    only: { type: 'string', default: 'a,b,c,d' },
    client: { type: 'string', default: 'light' },
    'batch-interval': { type: 'string' },
    child: { type: 'string' },
    publish: { type: 'string' },
    case: { type: 'string' },
  },
});

type Require = (id: string) => unknown;
/** Socket.IO is optional: the workspace's copy when present, else $SOCKET_IO_DIR's. */
function socketIoRequire(): Require {
  const here = createRequire(import.meta.url);
  try {
    here.resolve('socket.io');
    return here;
  } catch {
    const dir = process.env.SOCKET_IO_DIR;
    if (!dir) throw new Error('socket.io is not installed (add it or set SOCKET_IO_DIR)');
    return createRequire(join(dir, 'package.json'));
  }
}

// ───────────────────────── client child (ws / Socket.IO) ─────────────────────────

const MARK = '"timestamp":"';
/** The publisher's send time from an event's `timestamp` (ISO, or Unix ms digits). */
function sentAt(text: string): number {
  const at = text.indexOf(MARK);
  if (at < 0) return Number.NaN;
  const start = at + MARK.length;
  const value = text.slice(start, text.indexOf('"', start));
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

async function runClientChild(kind: string, url: string, n: number, headers: Record<string, string>) {
  const tally = new ClientTally();
  const onMessage = (text: string, sampled: boolean) => {
    if (tally.counting) tally.event(sampled ? sentAt(text) : Number.NaN);
  };
  const sioRequire = kind === 'sio' ? socketIoRequire() : undefined;
  const open = (i: number) => {
    const sampled = i % 20 === 0;
    if (kind === 'ws') {
      // `ws` is the gateway's dependency, not the workspace root's.
      const { WebSocket } = createRequire(join(repoRoot, 'services/stream-gateway/package.json'))('ws') as {
        WebSocket: new (url: string, o: object) => import('node:events').EventEmitter;
      };
      const socket = new WebSocket(url, { headers, perMessageDeflate: false });
      socket.once('open', () => tally.connected++);
      socket.once('error', () => tally.failed++);
      socket.on('message', (data) => onMessage(String(data), sampled));
      return;
    }
    const { io } = sioRequire!('socket.io-client') as {
      io: (url: string, o: object) => import('node:events').EventEmitter;
    };
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => tally.connected++);
    socket.once('connect_error', () => tally.failed++);
    socket.on('analysis_result', (text: string) => onMessage(text, sampled));
  };
  await tally.openAll(n, open);
  await tally.serve();
}

if (values.child) {
  const [url = '', n = '1', headers = '{}'] = positionals;
  await runClientChild(values.child, url, Number(n), JSON.parse(headers));
}

// ───────────────────────── emitting at the rate ─────────────────────────

/** What one `run` of a source reports: how late its events were emitted (p99, ms). */
interface Emitted {
  lagP99: number;
}

/** Sends events at the bench's rate; `run(s)` emits for s seconds, resolving once all were sent. */
interface Source {
  run(seconds: number): Promise<Emitted>;
  /** A process of its own doing the emitting, whose CPU the row shows. */
  pid?: number | undefined;
}

/** Stored publishes not yet acknowledged beyond which the source waits for them (bounds memory). */
const MAX_IN_FLIGHT = 1000;

/**
 * Emit `rate` events a second, each when it is due (checked every millisecond), numbered on from
 * the last run. `at` is the event's due time (Unix ms), which clients measure latency from: a
 * process too busy to emit on time must not hide that lag, so the lag is reported too.
 */
function pacedSource(rate: number, emit: (n: number, at: number) => unknown): Source {
  let n = 0;
  return {
    async run(seconds) {
      const started = performance.now();
      const startedAt = Date.now();
      const base = n;
      const lags: number[] = [];
      let inFlight: unknown[] = [];
      while (performance.now() - started < seconds * 1000) {
        // Event k is due at k / rate: the first at once, not one interval late.
        const due = base + Math.floor(((performance.now() - started) / 1000) * rate) + 1;
        while (n < due) {
          const at = startedAt + ((n - base) * 1000) / rate;
          lags.push(Date.now() - at);
          inFlight.push(emit(n++, at));
        }
        // `emit` returns a promise for a stored publish (awaited in bulk), nothing for a broadcast.
        if (inFlight.length > MAX_IN_FLIGHT) {
          await Promise.all(inFlight);
          inFlight = [];
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(inFlight);
      lags.sort((a, b) => a - b);
      return { lagP99: Math.round(lags[Math.floor(lags.length * 0.99)] ?? 0) };
    },
  };
}

/**
 * The gateway rows' publisher (child process): stores events in JetStream as the analytics
 * service would. Reads `run <seconds>` lines, answers each with its `Emitted` as JSON, and exits
 * when stdin closes.
 */
async function runPublisherChild(kind: string, natsUrl: string, tenantId: string, deviceId: string) {
  const nc = await connectNats({ url: natsUrl, name: 'bench-publisher' });
  const js = jetstream(nc);
  const emit =
    kind === 'sse'
      ? (n: number, at: number) => {
          const r = analysisResult(deviceId, n, at);
          return publishJson(js, subjects.analysis(tenantId, deviceId), r, { msgId: r.frameId! });
        }
      : (n: number, at: number) => {
          const e = analyticEvent(deviceId, n, at);
          return publishJson(js, subjects.events(tenantId, deviceId, e.analytic_id), e, {
            msgId: e.event_id,
          });
        };
  const source = pacedSource(Number(values.rate), emit);
  // Its pid: the bench reads its CPU from /proc, and the process it spawned is tsx's, not this one.
  process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, seconds] = line.split(' ');
    if (command === 'run') process.stdout.write(`${JSON.stringify(await source.run(Number(seconds)))}\n`);
  }
  await nc.drain();
  process.exit(0);
}

if (values.publish) {
  const [natsUrl = '', tenantId = '', deviceId = ''] = positionals;
  await runPublisherChild(values.publish, natsUrl, tenantId, deviceId);
}

// ───────────────────────── the bench (parent) ─────────────────────────

type Case = 'a' | 'b' | 'c' | 'd';
interface Options {
  clients: number;
  rate: number;
  seconds: number;
}
interface Row {
  name: string;
  load: string;
  perSecond?: number;
  delivered?: number;
  p50?: number | null;
  p99?: number | null;
  idleKb?: number;
  idleHeldKb?: number;
  activeKb?: number;
  cpu?: number;
  natsCpu?: number;
  /** The publisher child's CPU (gateway rows). */
  publisherCpu?: number;
  /** How late the events were emitted, p99 ms (part of the latency). */
  lagP99?: number;
  /** Of `cpu`, the system (kernel) part: this process only. */
  cpuSys?: number;
  clientCpu?: number;
  clientCpuSys?: number;
  /** The gateway's own p99 (store → written), as a histogram bucket bound. */
  serverP99?: string;
  /** Peak bytes read by the kernel but not yet by the clients / in the server's send queues, MB. */
  unreadMb?: number;
  unsentMb?: number;
  error?: string;
}
interface Clients {
  start(): void;
  /** `cpu`: the client process's CPU % (100 = one core) from start to stop. */
  stop(): Promise<{
    delivered: number;
    p50: number | null;
    p99: number | null;
    cpu?: number;
    cpuSys?: number;
  }>;
  kill(): void;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
/** After a forced GC: RSS, and what the JS heap + external buffers actually hold. */
const gcMem = () => {
  global.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, held: m.heapUsed + m.external };
};

/**
 * A tsx child process of the bench that answers on stdin lines with JSON lines: `next(ms)` is its
 * next answer (rejects on timeout or exit, with the end of its stderr).
 */
function tsxChild(args: string[], what: string) {
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  const child: ChildProcess = spawn(tsx, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: repoRoot });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-400);
  });
  const kill = () => child.exitCode === null && child.kill('SIGKILL');
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    });
    try {
      const line = await Promise.race([lines.next(), timeout]);
      if (line.done) throw new Error(`${what} process exited ${child.exitCode}: ${stderr.trim()}`);
      return JSON.parse(String(line.value));
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, next, kill };
}

/** The gateway rows' publisher in its own process (`--publish`), ready to `run`. */
async function startPublisher(kind: 'sse' | 'ws', natsUrl: string, tenantId: string, deviceId: string) {
  const args = [import.meta.filename, '--publish', kind, natsUrl, tenantId, deviceId, '--rate', values.rate];
  const publisher = tsxChild(args, 'publisher');
  let pid: number | undefined;
  try {
    ({ pid } = (await publisher.next(60_000)) as { pid: number });
  } catch (error) {
    publisher.kill();
    throw error;
  }
  const source: Source & { kill(): void } = {
    pid,
    run: (seconds) => {
      publisher.child.stdin!.write(`run ${seconds}\n`);
      return publisher.next(seconds * 1000 + 60_000);
    },
    kill: publisher.kill,
  };
  return source;
}

/** N clients of a kind in a child process; resolves once all answered, throws when any failed. */
async function startClients(
  kind: 'sse' | 'ws' | 'sio',
  url: string,
  n: number,
  headers = {},
): Promise<Clients> {
  const args =
    values.client === 'light'
      ? [
          join(repoRoot, 'services/stream-gateway/bench/stream-clients.ts'),
          kind,
          url,
          String(n),
          JSON.stringify(headers),
        ]
      : kind === 'sse'
        ? [
            join(repoRoot, 'services/stream-gateway/bench/sse-clients.ts'),
            url,
            String(n),
            JSON.stringify(headers),
          ]
        : [import.meta.filename, '--child', kind, url, String(n), JSON.stringify(headers)];
  const { child, next, kill } = tsxChild(args, 'clients');
  try {
    const first = (await next(120_000)) as { connected: number; failed: number };
    if (first.failed > 0)
      throw new Error(`${first.failed} of ${n} clients failed to connect (${first.connected} did)`);
  } catch (error) {
    kill();
    throw error;
  }
  return {
    start: () => child.stdin!.write('start\n'),
    stop: () => {
      child.stdin!.write('stop\n');
      return next(60_000);
    },
    kill,
  };
}

/** CPU seconds (user+system) of another process, from /proc; 0 when unknown. */
function cpuOfPid(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** nats-server's pid: the process whose command line names this server's store directory. */
function natsPid(nats: NatsServerHandle): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(nats.storeDir)) return Number(entry);
    } catch {}
  }
  return undefined;
}

/** Cumulative counts of a latency histogram by upper bound (seconds; Infinity last). */
type Buckets = Map<number, number>;

/** The gateway's own delivery latency histogram (JetStream store → write to the last client). */
function histogramOf(
  registry: { getSingleMetric(name: string): unknown },
  transport: string,
): () => Promise<Buckets> {
  type Values = { values: { labels: Record<string, string | number>; value: number; metricName?: string }[] };
  return async () => {
    const metric = registry.getSingleMetric('sightline_stream_gateway_delivery_latency_seconds') as
      | { get(): Promise<Values> }
      | undefined;
    const buckets: Buckets = new Map();
    for (const v of (await metric?.get())?.values ?? []) {
      if (v.metricName?.endsWith('_bucket') && v.labels.transport === transport) {
        buckets.set(v.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(v.labels.le), v.value);
      }
    }
    return buckets;
  };
}

/** The upper bound (ms) of the bucket holding quantile q of what was observed between two snapshots. */
function bucketQuantile(before: Buckets, after: Buckets, q: number): string | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  if (total <= 0) return undefined;
  for (const bound of bounds) {
    if ((after.get(bound) ?? 0) - (before.get(bound) ?? 0) >= q * total) {
      const prev = bounds[bounds.indexOf(bound) - 1];
      if (bound === Number.POSITIVE_INFINITY) return `> ${prev! * 1000}`;
      return `≤ ${bound * 1000}`;
    }
  }
  return undefined;
}

/** Bytes waiting in the kernel on the connections of a local server port (`ss`, loopback). */
async function socketBacklog(port: number): Promise<{ unread: number; unsent: number }> {
  const out = await new Promise<string>((resolve) =>
    execFile('ss', ['-Htn', 'state', 'established'], { maxBuffer: 64 * 1024 * 1024 }, (_e, stdout) =>
      resolve(String(stdout ?? '')),
    ),
  );
  let unread = 0;
  let unsent = 0;
  for (const line of out.split('\n')) {
    const [recvQ, sendQ, local, peer] = line.trim().split(/\s+/);
    if (!peer) continue;
    if (peer.endsWith(`:${port}`)) unread += Number(recvQ); // a client's socket
    if (local!.endsWith(`:${port}`)) unsent += Number(sendQ); // the server's end
  }
  return { unread, unsent };
}

/**
 * Connect the clients, then have the source emit E events/s for 1 s of warm-up and S measured
 * seconds. RSS: idle = after connect and GC, active = peak while emitting.
 */
async function measure(
  name: string,
  o: Options,
  connect: () => Promise<Clients>,
  source: Source,
  server: { port: number; otherPid?: number; latency?: () => Promise<Buckets> },
): Promise<Row> {
  const { otherPid } = server;
  const publisherPid = source.pid;
  const before = gcMem();
  const clients = await connect();
  try {
    await new Promise((r) => setTimeout(r, 500));
    const idle = gcMem();
    let peak = idle.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 200);
    await source.run(1);
    clients.start();
    const cpu = process.cpuUsage();
    const otherCpu = cpuOfPid(otherPid);
    const publisherCpu = cpuOfPid(publisherPid);
    const latencyBefore = await server.latency?.();
    // Where undelivered bytes wait, half-way and near the end: read by the kernel but not yet by
    // the clients, or in the server's kernel send queues (clients that do not keep up show in both).
    let backlog = { unread: 0, unsent: 0 };
    const backlogTimers = [0.5, 0.95].map((f) =>
      setTimeout(
        () => {
          void socketBacklog(server.port).then((b) => {
            if (b.unread + b.unsent > backlog.unread + backlog.unsent) backlog = b;
          });
        },
        f * o.seconds * 1000,
      ),
    );
    const started = performance.now();
    const { lagP99 } = await source.run(o.seconds);
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const usedOther = cpuOfPid(otherPid) - otherCpu;
    const usedPublisher = cpuOfPid(publisherPid) - publisherCpu;
    const latencyAfter = await server.latency?.();
    for (const t of backlogTimers) clearTimeout(t);
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 500)); // let in-flight events land
    const got = await clients.stop();
    const kb = (bytes: number, from = before.rss) => Math.round((bytes - from) / o.clients / 102.4) / 10;
    return {
      name,
      load: load(),
      delivered: got.delivered,
      perSecond: Math.round(got.delivered / elapsed),
      p50: got.p50,
      p99: got.p99,
      idleKb: kb(idle.rss),
      idleHeldKb: kb(idle.held, before.held),
      activeKb: kb(peak),
      cpu: Math.round(((used.user + used.system) / 1e6 / elapsed + usedOther / elapsed) * 100),
      natsCpu: otherPid ? Math.round((usedOther / elapsed) * 100) : undefined,
      publisherCpu: publisherPid ? Math.round((usedPublisher / elapsed) * 100) : undefined,
      lagP99,
      cpuSys: Math.round((used.system / 1e6 / elapsed) * 100),
      clientCpu: got.cpu,
      clientCpuSys: got.cpuSys,
      serverP99:
        latencyBefore && latencyAfter ? bucketQuantile(latencyBefore, latencyAfter, 0.99) : undefined,
      unreadMb: Math.round(backlog.unread / 1e5) / 10,
      unsentMb: Math.round(backlog.unsent / 1e5) / 10,
    };
  } finally {
    clients.kill();
  }
}

/** `at`: when the event was due to be sent (Unix ms), which clients measure latency from. */
function analysisResult(deviceId: string, n: number, at: number): AnalysisResult {
  return {
    deviceId,
    analysisId: `bench-${n}`,
    sceneId: deviceId,
    timestamp: new Date(at).toISOString(),
    detections: [
      { type: 'person', confidence: 0.91, boundingBox: { x: 10, y: 20, width: 30, height: 80 } },
      { type: 'car', confidence: 0.84, boundingBox: { x: 200, y: 120, width: 90, height: 60 } },
    ],
    frameId: `bench-${Date.now()}-${n}`,
  };
}

/** A seed 004 event; `timestamp` carries the due send time in ms so clients can measure latency. */
function analyticEvent(deviceId: string, n: number, at: number): AnalyticEvent {
  const ms = Math.round(at);
  return {
    analytic_id: 'NFV4-PC',
    event_id: analyticEventId(ms / 1000, deviceId, String(n), String(ms)),
    timestamp: String(ms),
    stream_id: deviceId,
    stream_address: `device://${deviceId}`,
    node_num: 0,
    pipeline_data: { label: 'person', confidence: 0.91, area_name: 'entrance', count: n },
  };
}

async function benchBare(o: Options): Promise<Row> {
  const bare = await startBareServer();
  try {
    return await measure(
      'bare node http SSE (limit)',
      o,
      () => startClients('sse', bare.url, o.clients),
      pacedSource(o.rate, (n, at) =>
        bare.broadcast(
          eventFrame(
            'analysis_result',
            `bench-device-${n}`,
            JSON.stringify(analysisResult('bench-device', n, at)),
          ),
        ),
      ),
      { port: Number(new URL(bare.url).port) },
    );
  } finally {
    bare.server.closeAllConnections();
    bare.server.close();
  }
}

async function benchSocketIo(o: Options): Promise<Row> {
  const { Server } = socketIoRequire()('socket.io') as {
    Server: new (http: unknown, o: object) => { emit(e: string, d: string): void; close(): void };
  };
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  try {
    return await measure(
      'Socket.IO 4.8.4 io.emit (websocket)',
      o,
      () => startClients('sio', url, o.clients),
      pacedSource(o.rate, (n, at) =>
        io.emit('analysis_result', JSON.stringify(analysisResult('bench-device', n, at))),
      ),
      { port: Number(new URL(url).port) },
    );
  } finally {
    io.close();
    http.closeAllConnections();
  }
}

async function benchGateway(o: Options, nats: NatsServerHandle, kind: 'sse' | 'ws'): Promise<Row> {
  const gw = await startGateway(nats.url, {
    // All bench clients are one user. A limit of exactly N makes the last connections probe most
    // slots (random probing, one KV create each), which measures the probing, not the fan-out.
    SSE_MAX_PER_USER: String(o.clients * 4),
    SSE_MAX_BUFFERED_BYTES: String(64 * 1024 * 1024),
    ...(values['batch-interval'] === undefined
      ? {}
      : { FANOUT_MIN_BATCH_INTERVAL_MS: values['batch-interval'] }),
  });
  const control = await runtimeFor(nats.url);
  let publisher: Awaited<ReturnType<typeof startPublisher>> | undefined;
  try {
    const tenant = await seedTenant(control, { devices: 1, owner: 'bench@example.com' });
    const device = tenant.deviceIds[0]!;
    const headers = { Authorization: `Bearer ${tenant.key}` };
    publisher = await startPublisher(kind, nats.url, tenant.tenantId, device);
    const server = { port: gw.port, otherPid: natsPid(nats) };
    if (kind === 'sse') {
      return await measure(
        'gateway SSE (JetStream → SSE)',
        o,
        () => startClients('sse', `${gw.url}/api/v1/devices/${device}/analysis/stream`, o.clients, headers),
        publisher,
        { ...server, latency: histogramOf(gw.runtime.registry, 'sse') },
      );
    }
    return await measure(
      'gateway WS /ws/events (JetStream → ws)',
      o,
      () => startClients('ws', `${gw.url.replace('http', 'ws')}/ws/events`, o.clients, headers),
      publisher,
      { ...server, latency: histogramOf(gw.runtime.registry, 'ws_events') },
    );
  } finally {
    publisher?.kill();
    await gw.stop();
    await control.nc.drain();
  }
}

/** Run one case; whatever stops it (fd limit, refused clients, timeout) becomes the row. */
async function attempt(name: string, run: () => Promise<Row>): Promise<Row> {
  try {
    return await run();
  } catch (error) {
    return { name, load: load(), error: (error as Error).message.replace(/\s+/g, ' ').slice(0, 200) };
  }
}

function table(o: Options, rows: Row[]): string {
  const cell = (v: number | null | undefined) => (v === undefined || v === null ? '–' : String(v));
  const withSys = (all?: number, sys?: number) =>
    sys === undefined ? cell(all) : `${cell(all)} (sys ${sys})`;
  const by = (prefix: string) => rows.find((r) => r.name.startsWith(prefix) && r.perSecond !== undefined);
  const ratio = (a?: Row, b?: Row) =>
    a?.perSecond && b?.perSecond ? (a.perSecond / b.perSecond).toFixed(2) : 'n/a';
  const sse = by('gateway SSE');
  const ws = by('gateway WS');
  const limitNote = `ulimit -n ${spawnSync('sh', ['-c', 'ulimit -n']).stdout.toString().trim()}`;
  return [
    `${o.clients} clients × ${o.rate} events/s for ${o.seconds} s (target ${o.clients * o.rate} deliveries/s), ` +
      `node ${process.version}, ${limitNote}, ${values.client} clients, gateway batch interval ${values['batch-interval'] ?? `${GatewayEnv.properties.FANOUT_MIN_BATCH_INTERVAL_MS.default} (its default)`} ms; load = 1/5/15-min load average when the row finished`,
    '',
    '| server | delivered events/s | p50 ms | p99 ms | publisher lag p99 ms | server p99 ms | RSS KB/conn idle | heap+external KB/conn idle | RSS KB/conn active (peak) | CPU % (sys: kernel, server process) | of it nats % | publisher CPU % | clients CPU % (sys) | unread by clients MB | unsent (server kernel) MB | load | error |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${cell(r.perSecond)} | ${cell(r.p50)} | ${cell(r.p99)} | ${cell(r.lagP99)} | ${r.serverP99 ?? '–'} | ${cell(r.idleKb)} | ${cell(r.idleHeldKb)} | ${cell(r.activeKb)} | ${withSys(r.cpu, r.cpuSys)} | ${cell(r.natsCpu)} | ${cell(r.publisherCpu)} | ${withSys(r.clientCpu, r.clientCpuSys)} | ${cell(r.unreadMb)} | ${cell(r.unsentMb)} | ${r.load} | ${r.error ?? ''} |`,
    ),
    '',
    `gateway SSE / bare: ${ratio(sse, by('bare'))}; gateway SSE / Socket.IO: ${ratio(sse, by('Socket.IO'))}; ` +
      `gateway WS / bare: ${ratio(ws, by('bare'))}; gateway WS / Socket.IO: ${ratio(ws, by('Socket.IO'))}`,
  ].join('\n');
}

const options: Options = {
  clients: Number(values.clients),
  rate: Number(values.rate),
  seconds: Number(values.seconds),
};
const names: Record<Case, string> = {
  b: 'bare node http SSE (limit)',
  a: 'gateway SSE (JetStream → SSE)',
  c: 'Socket.IO 4.8.4 io.emit (websocket)',
  d: 'gateway WS /ws/events (JetStream → ws)',
};

/** One case in this process (its own nats-server for the gateway): prints its row as JSON. */
async function runCase(c: Case): Promise<Row> {
  if (c === 'b') return benchBare(options);
  if (c === 'c') return benchSocketIo(options);
  const binary = findNatsServerBinary();
  if (!binary) throw new Error('nats-server not found');
  const nats = await spawnNatsServer({ binary });
  try {
    return await benchGateway(options, nats, c === 'a' ? 'sse' : 'ws');
  } finally {
    await nats.stop();
  }
}

/** Each case in a fresh process, so one case's freed memory does not skew the next one's RSS. */
async function caseInChild(c: Case): Promise<Row> {
  const args = ['--expose-gc', import.meta.filename, '--case', c];
  args.push('--clients', values.clients, '--rate', values.rate, '--seconds', values.seconds);
  args.push('--client', values.client);
  if (values['batch-interval'] !== undefined) args.push('--batch-interval', values['batch-interval']);
  const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
  });
  child.stderr!.on('data', (d) => {
    err = (err + String(d)).slice(-300);
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const line = out.trim().split('\n').pop() ?? '';
  if (line.startsWith('{')) return JSON.parse(line) as Row;
  throw new Error(`case process exited ${code}: ${err.trim()}`);
}

if (values.case) {
  const c = values.case as Case;
  const row = await attempt(names[c], () => runCase(c));
  process.stdout.write(`${JSON.stringify(row)}\n`);
  process.exit(0);
}
const rows: Row[] = [];
for (const c of ['b', 'a', 'c', 'd'] as Case[]) {
  if (values.only.split(',').includes(c)) rows.push(await attempt(names[c], () => caseInChild(c)));
}
process.stdout.write(`${table(options, rows)}\n`);
process.exit(0);
