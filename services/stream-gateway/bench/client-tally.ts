import { createInterface } from 'node:readline';

/**
 * What a bench client process counts, and its protocol with the bench: it opens its connections,
 * prints `{connected, failed}`, counts from "start" on stdin, and on "stop" prints
 * `{delivered, p50, p99, cpu, cpuSys}` (percentiles null without samples) and exits.
 */
export class ClientTally {
  counting = false;
  delivered = 0;
  connected = 0;
  failed = 0;
  private readonly latencies: number[] = [];

  /** One event received; `sentAtMs` is its due time on a sampled connection (NaN: no sample). */
  event(sentAtMs = Number.NaN): void {
    if (!this.counting) return;
    this.delivered++;
    if (Number.isFinite(sentAtMs)) this.latencies.push(Date.now() - sentAtMs);
  }

  /** Open `n` connections, 200 at a time, and report once each connected or failed. */
  async openAll(n: number, open: (i: number) => void): Promise<void> {
    for (let i = 0; i < n; i++) {
      try {
        open(i);
      } catch {
        this.failed++;
      }
      if (i % 200 === 199) await new Promise((r) => setTimeout(r, 20));
    }
    while (this.connected + this.failed < n) await new Promise((r) => setTimeout(r, 20));
    process.stdout.write(`${JSON.stringify({ connected: this.connected, failed: this.failed })}\n`);
  }

  /** Follow "start"/"stop" on stdin; exits on "stop", or when stdin closes (the bench is gone). */
  async serve(): Promise<never> {
    let cpuAtStart = process.cpuUsage();
    let startedAt = 0;
    for await (const line of createInterface({ input: process.stdin })) {
      if (line === 'start') {
        this.counting = true;
        cpuAtStart = process.cpuUsage();
        startedAt = performance.now();
      }
      if (line === 'stop') {
        this.counting = false;
        const used = process.cpuUsage(cpuAtStart);
        const ms = performance.now() - startedAt;
        const cpu = Math.round(((used.user + used.system) / 1e3 / ms) * 100);
        const cpuSys = Math.round((used.system / 1e3 / ms) * 100);
        const sorted = this.latencies.sort((a, b) => a - b);
        const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
        process.stdout.write(
          `${JSON.stringify({ delivered: this.delivered, p50: pct(0.5), p99: pct(0.99), cpu, cpuSys })}\n`,
        );
        process.exit(0);
      }
    }
    process.exit(0);
  }
}
