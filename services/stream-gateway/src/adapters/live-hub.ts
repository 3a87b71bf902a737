import { compile, FrameData } from '@sightline/contracts';
import type { NatsConnection } from '@sightline/nats';

const validFrame = compile(FrameData);
const decoder = new TextDecoder();

/** One live frame of a camera (seed 002 FrameData), decoded once for all viewers. */
export interface LiveFrame {
  deviceId: string;
  /** The FrameData JSON as received: what `/ws/stream/:cameraId` sends, unchanged. */
  text: string;
  frame: FrameData;
  /** Counter of this hub's frames: seed 003's message id. */
  n: number;
  receivedAtMs: number;
  /** Other serialisations (seed 003 shapes), built once per frame. */
  cache: Map<string, string>;
}

export interface LiveViewer {
  onFrame(frame: LiveFrame): void;
}

export interface LiveHubHooks {
  onDrop: (reason: string) => void;
  /** The subscription is live (called once), and when it ends. */
  onStart?: () => void;
  onStop?: () => void;
}

/**
 * One core-NATS subscription on `live.<tenant>.<device>` per process, shared by every viewer of
 * the camera. Live frames are not stored: a viewer sees frames from when it joins.
 */
export class LiveHub {
  readonly viewers = new Set<LiveViewer>();
  private sub: ReturnType<NatsConnection['subscribe']> | undefined;
  private n = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly deviceId: string,
    private readonly hooks: LiveHubHooks,
  ) {}

  async start(): Promise<void> {
    this.sub = this.nc.subscribe(this.subject, {
      callback: (err, msg) => {
        if (err) return;
        this.dispatch(msg.data);
      },
    });
    // The subscription is live on the server once this round trip returns.
    await this.nc.flush();
    this.hooks.onStart?.();
  }

  stop(): void {
    if (!this.sub) return;
    this.sub.unsubscribe();
    this.sub = undefined;
    this.hooks.onStop?.();
  }

  private dispatch(data: Uint8Array): void {
    let value: unknown;
    const text = decoder.decode(data);
    try {
      value = JSON.parse(text);
    } catch {
      this.hooks.onDrop('invalid_json');
      return;
    }
    if (!validFrame.check(value)) {
      this.hooks.onDrop('invalid_schema');
      return;
    }
    const frame: LiveFrame = {
      deviceId: this.deviceId,
      text: text.includes('\n') ? JSON.stringify(value) : text,
      frame: value,
      n: ++this.n,
      receivedAtMs: Date.now(),
      cache: new Map(),
    };
    for (const viewer of this.viewers) viewer.onFrame(frame);
  }
}
