import { randomUUID } from 'node:crypto';
import { type FrameMeta, frameHeaders, subjects } from '@sightline/contracts';
import { type JetStreamClient, type NatsConnection, publishBytes } from '@sightline/nats';
import { bootService, type ServiceRuntime } from '@sightline/service-kit';
import { modelsDir } from '@sightline/testing';
import { type InferenceConfig, loadConfig } from '../../src/config.js';

/** A runtime as runService builds it (own NATS connection, registry, quiet logger). */
export function testRuntime(natsUrl: string): Promise<ServiceRuntime> {
  return bootService({ service: 'inference', version: 'test', logLevel: 'silent', natsUrl });
}

export function testConfig(natsUrl: string, env: Record<string, string> = {}): InferenceConfig {
  return loadConfig({
    NATS_URL: natsUrl,
    LOG_LEVEL: 'silent',
    SIGHTLINE_MODELS_DIR: modelsDir,
    INTRA_OP_THREADS: '1',
    ...env,
  });
}

/**
 * Publish a JPEG on FRAMES exactly as ingest does: metadata as headers, frameId as Nats-Msg-Id.
 * Returns the metadata and the frame's FRAMES sequence (`seq`).
 */
export async function publishFrame(
  js: JetStreamClient,
  jpeg: Uint8Array,
  meta: Partial<FrameMeta> & { tenantId: string; deviceId: string },
): Promise<FrameMeta & { seq: number }> {
  const now = Date.now();
  const full: FrameMeta = {
    frameId: randomUUID(),
    capturedAt: now,
    acceptedAt: now,
    source: 'http',
    ...meta,
  };
  const stored = await publishBytes(js, subjects.frames(full.tenantId, full.deviceId), jpeg, {
    msgId: full.frameId,
    headers: headersOf(full),
  });
  return { ...full, seq: stored.seq };
}

/** FrameMeta as the headers ingest writes (`frameHeaders`). */
export function headersOf(meta: FrameMeta): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [field, header] of Object.entries(frameHeaders)) {
    const value = meta[field as keyof FrameMeta];
    if (value !== undefined) headers[header] = String(value);
  }
  return headers;
}

/** Announce a live viewer of the camera, as a gateway does, so inference publishes its live frames. */
export async function watchLive(nc: NatsConnection, tenantId: string, deviceId: string): Promise<void> {
  nc.publish(subjects.liveViewers(tenantId, deviceId));
  // Flushed: the announcement is on the server (and delivered to inference) before the next frame.
  await nc.flush();
}
