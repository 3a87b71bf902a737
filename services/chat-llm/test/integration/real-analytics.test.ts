import { type DetectionBatch, partitionOf, subjects } from '@sightline/contracts';
import { publishJson } from '@sightline/nats';
import { bootService, type ServiceApp, type ServiceRuntime } from '@sightline/service-kit';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp as buildAnalytics } from '../../../analytics-aggregation/src/app.js';
import { loadConfig as loadAnalyticsConfig } from '../../../analytics-aggregation/src/config.js';
import { NatsAnalyticsClient } from '../../src/adapters/analytics-client.js';
import { ungroundedNumbers } from '../../src/domain/grounding.js';
import { timeFormatter } from '../../src/domain/time-format.js';
import { loadMotSequence, type MotSequence } from '../fixtures/mot-sequence.js';
import { sendMessage } from '../fixtures/seed-client.js';
import { api, type Harness, startHarness } from './harness.js';

/**
 * The built-in analyst against the REAL analytics-aggregation service (its buildApp) on a real
 * nats-server, fed on DETECTIONS with the ground-truth boxes of two real MOT image sequences.
 * The answers must carry exactly the numbers analytics itself returns.
 */
let nats: TestNats;
let analyticsRuntime: ServiceRuntime;
let analyticsApp: ServiceApp;
let h: Harness;
let client: NatsAnalyticsClient;
const time = timeFormatter('UTC');
const campus = loadMotSequence('TUD-Campus');
const pets = loadMotSequence('PETS09-S3-MF1');

function batches(seq: MotSequence, tenantId: string, deviceId: string, endAt: number): DetectionBatch[] {
  return seq.peoplePerFrame.map((_, i) => {
    const at = endAt - Math.round(((seq.frameCount - 1 - i) * 1000) / seq.frameRate);
    return {
      frameId: `${deviceId}-${i + 1}`,
      tenantId,
      deviceId,
      capturedAt: at,
      acceptedAt: at + 1,
      analysedAt: at + 20,
      width: seq.width,
      height: seq.name === 'TUD-Campus' ? 480 : 576,
      model: 'mot-ground-truth',
      origin: 'edge',
      detections: seq.boxes
        .filter((b) => b.frame === i + 1)
        .map((b) => ({
          label: 'person',
          classId: 0,
          score: 1,
          box: [Math.max(0, b.x), Math.max(0, b.y), b.x + b.width, b.y + b.height] as [
            number,
            number,
            number,
            number,
          ],
        })),
    };
  });
}

beforeAll(async () => {
  nats = await startNats();
  analyticsRuntime = await bootService({
    service: 'analytics-aggregation',
    version: 'test',
    logLevel: 'silent',
    natsUrl: nats.url,
  });
  analyticsApp = await buildAnalytics(
    analyticsRuntime,
    loadAnalyticsConfig({ NATS_URL: nats.url, LOG_LEVEL: 'silent' }),
  );
  await analyticsApp.start();
  h = await startHarness({}, ['大門', 'Lobby camera'], nats, false);
  client = new NatsAnalyticsClient(h.runtime.nc, 3000);
  const now = Date.now();
  const [door, lobby] = h.devices;
  for (const [seq, device] of [
    [campus, door!],
    [pets, lobby!],
  ] as const) {
    for (const batch of batches(seq, h.tenantId, device.deviceId, now - 500)) {
      const subject = subjects.detections(partitionOf(device.deviceId), h.tenantId, device.deviceId);
      await publishJson(h.runtime.js, subject, batch, { msgId: batch.frameId });
    }
  }
  // Wait until analytics has analysed the last frame of both sequences.
  await waitFor(
    async () => {
      const rows = await client.countsNow(h.tenantId, [door!.deviceId, lobby!.deviceId]);
      return rows.every((r) =>
        r.frameId?.endsWith(`-${r.deviceId === door!.deviceId ? campus.frameCount : pets.frameCount}`),
      );
    },
    { timeoutMs: 30_000, what: 'analytics to analyse both sequences' },
  );
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await analyticsApp?.stop();
  await analyticsRuntime?.nc.drain();
  await nats?.stop();
});

async function truth(deviceId: string) {
  const [row] = await client.countsNow(h.tenantId, [deviceId]);
  return { people: row!.counts.person ?? 0, dataTime: time.instant(row!.at!) };
}

describe('built-in analyst with the real analytics service', () => {
  it('answers "how many people are in front of camera X now?" with analytics\' numbers, in English', async () => {
    const chatId = (await api(h, 'POST', '/chats', h.keys.writer, {})).body.chatId;
    const lobby = await truth(h.devices[1]!.deviceId);
    // Analytics counted the ground-truth people of the sequence's last frame.
    expect(lobby.people).toBe(pets.peoplePerFrame.at(-1));
    const result = await sendMessage(
      h.url,
      h.keys.writer,
      chatId,
      'How many people are in front of the Lobby camera now?',
    );
    expect(result.finalized).toBe(true);
    expect(result.accumulatedContent).toBe(
      `Right now there are ${lobby.people} people in front of Lobby camera (data from ${lobby.dataTime}).`,
    );
    const turn = h.turns.at(-1)!;
    expect(ungroundedNumbers(turn.answer, turn.calls)).toEqual([]);
  });

  it('answers 「現在大門攝影機前有多少人？」 in Traditional Chinese, and all cameras with a total', async () => {
    const chatId = (await api(h, 'POST', '/chats', h.keys.writer, {})).body.chatId;
    const door = await truth(h.devices[0]!.deviceId);
    const lobby = await truth(h.devices[1]!.deviceId);
    expect(door.people).toBe(campus.peoplePerFrame.at(-1));
    const one = await sendMessage(h.url, h.keys.writer, chatId, '現在大門攝影機前有多少人？');
    expect(one.accumulatedContent).toBe(`現在大門前有${door.people}人（資料時間：${door.dataTime}）。`);
    const all = await sendMessage(h.url, h.keys.writer, chatId, '現在各攝影機前有多少人？');
    expect(all.accumulatedContent).toContain(`合計${door.people + lobby.people}人`);
    for (const turn of h.turns.slice(-2)) expect(ungroundedNumbers(turn.answer, turn.calls)).toEqual([]);
  });
});
