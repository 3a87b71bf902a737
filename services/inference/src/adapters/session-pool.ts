import type { ModelRunner, RunResult } from './onnx-model.js';

/**
 * One or more sessions of the same model; each run takes a free place on one (a session has
 * `capacity` places), or waits for the first to be freed, in call order. With one session on this
 * thread this is a serial queue (one run at a time uses the thread budget fully); a session thread
 * also holds the next input ready; with several session threads, runs go side by side.
 */
export class SessionPool {
  /** One entry per free place; the sessions alternate, so runs spread before they queue. */
  private readonly free: ModelRunner[];
  private readonly waiting: ((runner: ModelRunner) => void)[] = [];

  constructor(readonly sessions: readonly ModelRunner[]) {
    if (sessions.length === 0) throw new Error('a session pool needs at least one session');
    const places = Math.max(...sessions.map((s) => s.capacity));
    this.free = [];
    for (let place = places - 1; place >= 0; place--) {
      this.free.push(...sessions.filter((s) => s.capacity > place));
    }
  }

  async run(input: Float32Array): Promise<RunResult> {
    const runner = this.free.pop() ?? (await new Promise<ModelRunner>((r) => this.waiting.push(r)));
    try {
      return await runner.run(input);
    } finally {
      const next = this.waiting.shift();
      if (next) next(runner);
      else this.free.push(runner);
    }
  }

  async release(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}
