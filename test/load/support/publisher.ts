import { randomUUID } from 'node:crypto';
import { analyticEventId, subjects } from '@sightline/contracts';
import { type JetStreamClient, type NatsConnection, publishJson } from '@sightline/nats';
import { preciseNow } from './sse.js';

export interface Published {
  /** analysisId → publish time. */
  analysis: Map<string, number>;
  /** event_id → publish time. */
  events: Map<string, number>;
  /** live frame timestamp → publish time. */
  live: Map<number, number>;
}

export interface FeedOptions {
  tenantId: string;
  deviceId: string;
  seconds: number;
  analysisPerSecond: number;
  eventsPerSecond: number;
  liveFps: number;
  /** A real JPEG: the live frames' picture and each event's `image_jpeg`. */
  jpeg: Buffer;
}

/**
 * A seed 000 result with many detections (~36 KB), so a client that does not read fills the
 * loopback socket buffers (up to ~4 MB here) and falls behind within seconds.
 */
function analysisResult(deviceId: string, n: number) {
  const detections = Array.from({ length: 300 }, (_, i) => ({
    type: i % 5 === 0 ? 'car' : 'person',
    confidence: 0.9,
    boundingBox: { x: i * 6, y: 40 + (n % 50), width: 30, height: 80 },
    trackId: i,
    zones: ['entrance'],
  }));
  return {
    deviceId,
    analysisId: randomUUID(),
    sceneId: deviceId,
    timestamp: new Date().toISOString(),
    detections,
    frameId: `load-${n}`,
  };
}

/**
 * Publish, as analytics and inference would, analysis results on ANALYSIS, analytic events on
 * EVENTS and live frames on core NATS, each at its rate, for `seconds`; returns when each was
 * published.
 */
export async function feedGateway(
  nc: NatsConnection,
  js: JetStreamClient,
  o: FeedOptions,
): Promise<Published> {
  const published: Published = { analysis: new Map(), events: new Map(), live: new Map() };
  const image = o.jpeg.toString('base64');
  const every = (perSecond: number, send: (n: number) => Promise<void>) => async () => {
    const start = performance.now();
    for (let n = 0; n < o.seconds * perSecond; n++) {
      const wait = start + (n * 1000) / perSecond - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await send(n);
    }
  };
  await Promise.all([
    every(o.analysisPerSecond, async (n) => {
      const result = analysisResult(o.deviceId, n);
      published.analysis.set(result.analysisId, preciseNow());
      await publishJson(js, subjects.analysis(o.tenantId, o.deviceId), result, { msgId: result.analysisId });
    })(),
    every(o.eventsPerSecond, async (n) => {
      const seconds = Math.floor(Date.now() / 1000);
      const event = {
        analytic_id: 'NFV4-CE',
        event_id: analyticEventId(seconds, o.deviceId, randomUUID()),
        timestamp: String(seconds),
        stream_id: o.deviceId,
        stream_address: '',
        node_num: 0,
        pipeline_data: { zone_id: 'hall', count: n },
        image_jpeg: image,
      };
      published.events.set(event.event_id, preciseNow());
      await publishJson(js, subjects.events(o.tenantId, o.deviceId, 'NFV4-CE'), event, {
        msgId: event.event_id,
      });
    })(),
    every(o.liveFps, async () => {
      let timestamp = Date.now();
      while (published.live.has(timestamp)) timestamp++;
      const frame = { frame: image, timestamp, camera_id: o.deviceId, detections: [] };
      published.live.set(timestamp, preciseNow());
      nc.publish(subjects.live(o.tenantId, o.deviceId), JSON.stringify(frame));
    })(),
  ]);
  return published;
}
