import { jetstreamManager } from '@nats-io/jetstream';
import {
  type AnalysisResult,
  type DetectionBatch,
  partitionOf,
  type Rollup,
  streams,
  subjects,
} from '@sightline/contracts';
import { type NatsConnection, provisionStreams, publishJson } from '@sightline/nats';
import { bootService, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { readAtLeast } from '../support/read-subject.js';

let nats: TestNats;
let runtime: ServiceRuntime;
let app: ServiceApp;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  runtime = await bootService({
    service: 'analytics-test',
    version: '0',
    logLevel: 'silent',
    natsUrl: nats.url,
  });
  nc = runtime.nc;
  app = await buildApp(
    runtime,
    loadConfig({ NATS_URL: nats.url, LOG_LEVEL: 'silent', ANALYTICS_IDLE_FLUSH_MS: '1000' }),
  );
  await app.start();
}, 30_000);

afterAll(async () => {
  await app?.stop();
  await nc?.drain();
  await nats?.stop();
});

const T0 = 1_738_000_020_000;
function frame(n: number): DetectionBatch {
  return {
    frameId: `r-${n}`,
    tenantId: 'acme',
    deviceId: 'cam-r',
    capturedAt: T0 + n * 200,
    acceptedAt: T0,
    analysedAt: T0,
    width: 640,
    height: 480,
    model: 'test',
    origin: 'edge',
    detections: [{ label: 'person', classId: 0, score: 0.9, box: [100 + n * 5, 100, 140 + n * 5, 200] }],
  };
}

/** The last analysis of cam-r, if it is the one of `frameId`. */
async function read(frameId: string): Promise<AnalysisResult | undefined> {
  const jsm = await jetstreamManager(nc);
  const msg = await jsm.streams
    .getMessage(streams.analysis.name, { last_by_subj: subjects.analysis('acme', 'cam-r') })
    .catch(() => null);
  const a = msg?.json<AnalysisResult>();
  return a?.frameId === frameId ? a : undefined;
}

async function counter(name: string, label: string): Promise<number> {
  const metric = (await runtime.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string> }>;
  return values.filter((v) => Object.values(v.labels).includes(label)).reduce((a, v) => a + v.value, 0);
}

describe('retry and idle flush on real NATS', () => {
  it('re-sends the same outputs after a failed publish instead of tracking the frame twice', async () => {
    const jsm = await jetstreamManager(nc);
    // The device's first frame is empty: ByteTrack confirms a first frame's births at once, and
    // the check below needs the person of frame 1 to start as a tentative track.
    const empty = { ...frame(0), detections: [] };
    await publishJson(runtime.js, subjects.detections(partitionOf('cam-r'), 'acme', 'cam-r'), empty, {
      msgId: 'r-0',
    });
    await waitFor(() => read('r-0'), { what: 'analysis of the empty first frame' });
    await jsm.streams.delete(streams.analysis.name); // publishing an analysis now fails
    await publishJson(runtime.js, subjects.detections(partitionOf('cam-r'), 'acme', 'cam-r'), frame(1), {
      msgId: 'r-1',
    });
    await waitFor(
      async () => (await counter('sightline_analytics_aggregation_batches_total', 'retry')) >= 1,
      {
        what: 'a retry',
      },
    );
    await provisionStreams(nc, [streams.analysis]);
    await publishJson(runtime.js, subjects.detections(partitionOf('cam-r'), 'acme', 'cam-r'), frame(2), {
      msgId: 'r-2',
    });
    const second = await waitFor(() => read('r-2'), { what: 'analysis of r-2' });
    // Frame 1 went through the tracker once: its track is confirmed on frame 2 (birthHits 2).
    // Had the retry re-run frame 1, the track would already have been confirmed on it.
    expect(second.detections[0]?.trackId).toBe(1);
    // The nak delays frame 1, so its analysis may be stored after frame 2's: read both.
    const stored = await readAtLeast<AnalysisResult>(
      runtime.js,
      streams.analysis.name,
      subjects.analysis('acme', 'cam-r'),
      2,
    );
    const first = stored.find((a) => a.frameId === 'r-1');
    expect(first).toBeDefined();
    expect(first?.detections[0]?.trackId).toBeUndefined();
    expect(stored).toHaveLength(2);
  });

  it('publishes the open minute of a device that went idle', async () => {
    const jsm = await jetstreamManager(nc);
    const rollup = await waitFor(
      async () => {
        const msg = await jsm.streams
          .getMessage(streams.rollups.name, { last_by_subj: subjects.rollups('acme', 'cam-r') })
          .catch(() => null);
        return msg?.json<Rollup>();
      },
      { what: 'idle rollup', timeoutMs: 20_000 },
    );
    expect(rollup).toMatchObject({ tenantId: 'acme', deviceId: 'cam-r', minute: T0, frames: 3 });
  });
});
