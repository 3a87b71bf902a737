import { consumers, streams } from '@sightline/contracts';
import { type ConsumeLoop, provisionConsumer, startConsumeLoop } from '@sightline/nats';
import { createHttpServer, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { EventImages } from './adapters/event-images.js';
import { FrameSource } from './adapters/frame-source.js';
import { HeatmapStore } from './adapters/heatmap-store.js';
import { OutputPublisher } from './adapters/publisher.js';
import { QueryReader } from './adapters/query-reader.js';
import { startQueryService } from './adapters/query-service.js';
import { SceneStore } from './adapters/scene-store.js';
import type { Config } from './config.js';
import { DeviceRegistry } from './domain/device-registry.js';
import { detectionsHandler } from './handlers/detections.js';
import { createMetrics } from './metrics.js';

export const VERSION = '0.1.0';

/**
 * Wires the service: scenes (KV watch), per-device analyzers, the DETECTIONS consumer of the
 * owned partitions, the query micro service, and a sweep that publishes the open minute of
 * idle devices and frees their state. Never listens; runService does.
 */
export async function buildApp(runtime: ServiceRuntime, config: Readonly<Config>): Promise<ServiceApp> {
  const { logger, nc, js } = runtime;
  const metrics = createMetrics(runtime.registry);
  const scenes = await SceneStore.open(nc, logger, (result) => metrics.scenes.inc({ result }));
  const registry = new DeviceRegistry((t, d) => scenes.get(t, d), config.nodeNum);
  const publisher = new OutputPublisher(js, metrics);
  const reader = await QueryReader.open(nc, js);
  const heatmaps = await HeatmapStore.open(nc);
  const eventImages = new EventImages(await FrameSource.open(nc), metrics, logger, config.eventImages);
  // One durable per partition (`analytics-p<N>`), each with a single filter subject: it works on
  // nats-server 2.9 (no filter_subjects), and when partitions move to another replica the new
  // owner resumes that partition's durable where the old one stopped.
  const specs = config.partitions.map((p) => consumers.analytics(`p${p}`, [p]));
  let loops: ConsumeLoop[] = [];
  let sweep: NodeJS.Timeout | undefined;
  let heatmapTimer: NodeJS.Timeout | undefined;
  let service: Awaited<ReturnType<typeof startQueryService>> | undefined;

  const writeHeatmaps = async (analyzers: ReturnType<DeviceRegistry['all']>) => {
    try {
      metrics.published.inc({ kind: 'heatmap' }, await heatmaps.writeChanged(analyzers));
    } catch (err) {
      logger.warn({ err }, 'heatmap write failed');
    }
  };

  const flushIdle = async (cutoff: number) => {
    const evicted = registry.evictIdle(cutoff);
    // The last grid of an evicted device stays readable in KV after its state is freed.
    await writeHeatmaps(evicted);
    for (const analyzer of evicted) {
      heatmaps.forget(analyzer);
      await publisher
        .publishRollups(analyzer.flush())
        .catch((err) => logger.warn({ err }, 'rollup flush failed'));
    }
    metrics.devices.set(registry.size);
  };

  const http = createHttpServer({
    logger,
    registry: runtime.registry,
    readiness: { checks: { nats: runtime.natsConnected, consumers: () => loops.length === specs.length } },
  });

  return {
    http,
    async start() {
      const handler = detectionsHandler({ registry, publisher, metrics, logger, eventImages });
      for (const spec of specs) {
        await provisionConsumer(nc, spec);
        const loop = await startConsumeLoop({
          js,
          stream: streams.detections.name,
          durable: spec.durable,
          handler,
          onOutcome: (result) => {
            metrics.batches.inc({ outcome: result.kind });
            if (result.kind === 'drop') metrics.dropped.inc({ reason: result.reason });
            metrics.devices.set(registry.size);
          },
          onError: (err) => logger.warn({ err }, 'consume loop error'),
        });
        loops.push(loop);
      }
      service = await startQueryService(nc, { reader, heatmaps }, metrics, logger, VERSION);
      sweep = setInterval(
        () => void flushIdle(Date.now() - config.idleFlushMs),
        Math.min(10_000, config.idleFlushMs),
      );
      sweep.unref();
      heatmapTimer = setInterval(() => void writeHeatmaps(registry.all()), config.heatmapPublishMs);
      heatmapTimer.unref();
      logger.info({ owner: config.owner, partitions: config.partitions }, 'consuming detections');
    },
    async stop() {
      if (sweep) clearInterval(sweep);
      if (heatmapTimer) clearInterval(heatmapTimer);
      await service?.stop();
      await Promise.all(loops.map((l) => l.stop()));
      loops = [];
      scenes.stop();
      // Publish every open minute: a restart loses in-memory tracks, never a rollup it had.
      await flushIdle(Number.POSITIVE_INFINITY);
    },
  };
}
