import { readdirSync, readFileSync } from 'node:fs';

/** CPU ms of each thread of a process, by `<tid> <name>`, from /proc (Linux; elsewhere empty). */
function threadCpuMs(pid: number | 'self'): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the name: utime and stime are the 12th and 13th, in clock ticks (100/s).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${tid} ${name}`, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

export interface CpuShares {
  /** The service's main thread (JS: NATS I/O, handlers, tensor fill, GC on it). */
  main: number;
  /** libvips worker threads (JPEG decode, resize, pad). */
  libvips: number;
  /**
   * The busiest of the other threads: the session thread (with 1 intra-op thread onnxruntime runs
   * on it; no other thread comes close), found by load since Node 20 cannot name worker threads.
   */
  busiest: number;
  /** Every other thread of the process: libuv's pool (sharp's glue), V8's GC helpers, ORT's pool. */
  other: number;
  /** The nats-server process, when its pid is known. */
  natsServer?: number;
}

/** Per-thread CPU between `start()` and `stop()`, grouped, in ms per frame. */
export function threadCpuMeter(natsPid: number | undefined) {
  let before = new Map<string, number>();
  let natsBefore = 0;
  const natsTotal = () =>
    natsPid === undefined ? 0 : [...threadCpuMs(natsPid).values()].reduce((a, b) => a + b, 0);
  return {
    start() {
      before = threadCpuMs('self');
      natsBefore = natsTotal();
    },
    stop(frames: number): CpuShares {
      const shares: CpuShares = { main: 0, libvips: 0, busiest: 0, other: 0 };
      for (const [key, ms] of threadCpuMs('self')) {
        const used = ms - (before.get(key) ?? 0);
        const [tid, name] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
        if (tid === String(process.pid)) shares.main += used;
        else if (name.startsWith('libvips')) shares.libvips += used;
        else {
          shares.other += Math.min(used, shares.busiest);
          shares.busiest = Math.max(used, shares.busiest);
        }
      }
      if (natsPid !== undefined) shares.natsServer = natsTotal() - natsBefore;
      for (const k of Object.keys(shares) as (keyof CpuShares)[]) shares[k] = (shares[k] ?? 0) / frames;
      return shares;
    },
  };
}
