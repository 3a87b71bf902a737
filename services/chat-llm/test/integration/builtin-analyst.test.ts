import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsAnalyticsClient } from '../../src/adapters/analytics-client.js';
import { ungroundedNumbers } from '../../src/domain/grounding.js';
import { timeFormatter } from '../../src/domain/time-format.js';
import { loadMotSequence } from '../fixtures/mot-sequence.js';
import { atFrameRate, everyStep, observe } from '../fixtures/observations.js';
import { sendMessage } from '../fixtures/seed-client.js';
import { api, type Harness, startHarness } from './harness.js';

/**
 * The built-in analyst end to end: real NATS, the real service (buildApp), the analytics
 * contract answered by the fixture responder from real MOT ground truth, read by seed 002's client.
 */
let h: Harness;
let analytics: NatsAnalyticsClient;
const time = timeFormatter('UTC');
const campus = loadMotSequence('TUD-Campus');
const pets = loadMotSequence('PETS09-S3-MF1');

beforeAll(async () => {
  h = await startHarness();
  const [door, lobby] = h.devices;
  const now = Date.now();
  h.responder.record(
    ...observe(campus, { tenantId: h.tenantId, deviceId: door!.deviceId }, atFrameRate(campus, now - 1000)),
  );
  h.responder.record(
    ...observe(
      pets,
      { tenantId: h.tenantId, deviceId: lobby!.deviceId },
      everyStep(pets, now - 2000, 60_000),
    ),
  );
  analytics = new NatsAnalyticsClient(h.runtime.nc, 3000);
});
afterAll(async () => {
  await h?.stop();
});

async function newChat(body: object = {}): Promise<string> {
  const res = await api(h, 'POST', '/chats', h.keys.writer, body);
  expect(res.status).toBe(201);
  return res.body.chatId;
}

/** What analytics itself says for a device right now, asked directly over NATS. */
async function countsFromAnalytics(deviceId: string) {
  const [row] = await analytics.countsNow(h.tenantId, [deviceId]);
  return { people: row!.counts.person!, dataTime: time.instant(row!.at!) };
}

function expectGrounded() {
  const turn = h.turns.at(-1)!;
  expect(turn.calls.length).toBeGreaterThan(0);
  expect(ungroundedNumbers(turn.answer, turn.calls)).toEqual([]);
  return turn;
}

describe('built-in analyst: how many people are in front of camera X now', () => {
  it('answers in English by device name, streamed in several chunks, then done', async () => {
    const chatId = await newChat();
    const lobby = h.devices[1]!;
    const result = await sendMessage(
      h.url,
      h.keys.writer,
      chatId,
      'How many people are in front of the Lobby camera now?',
    );
    expect(result.status).toBe(200);
    expect(result.contentType).toMatch(/^text\/event-stream/);
    expect(result.finalized).toBe(true);
    expect(result.types.at(-1)).toBe('done');
    expect(result.chunks.length).toBeGreaterThan(2);
    expect(result.rawBody).toMatch(/^data: \{"type":"chunk","text":/);

    const truth = await countsFromAnalytics(lobby.deviceId);
    // The last PETS09-S3-MF1 frame's ground truth is the number analytics returns.
    expect(truth.people).toBe(pets.peoplePerFrame.at(-1));
    expect(result.accumulatedContent).toBe(
      `Right now there ${truth.people === 1 ? 'is' : 'are'} ${truth.people} ${truth.people === 1 ? 'person' : 'people'} in front of Lobby camera (data from ${truth.dataTime}).`,
    );
    expect(expectGrounded().calls[0]!.name).toBe('counts_now');

    const chat = (await api(h, 'GET', `/chats/${chatId}`, h.keys.reader)).body;
    expect(chat.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(chat.messages[1].content).toBe(result.accumulatedContent);
  });

  it('answers in Traditional Chinese: 「現在大門攝影機前有多少人？」', async () => {
    const chatId = await newChat();
    const door = h.devices[0]!;
    const result = await sendMessage(h.url, h.keys.writer, chatId, '現在大門攝影機前有多少人？');
    expect(result.finalized).toBe(true);
    expect(result.chunks.length).toBeGreaterThan(2);
    const truth = await countsFromAnalytics(door.deviceId);
    expect(truth.people).toBe(campus.peoplePerFrame.at(-1));
    expect(result.accumulatedContent).toBe(`現在大門前有${truth.people}人（資料時間：${truth.dataTime}）。`);
    expectGrounded();
  });

  it('finds the camera by its id, and answers for every camera with a total', async () => {
    const chatId = await newChat();
    const door = h.devices[0]!;
    const byId = await sendMessage(
      h.url,
      h.keys.writer,
      chatId,
      `how many people in front of camera ${door.deviceId} right now?`,
    );
    const doorTruth = await countsFromAnalytics(door.deviceId);
    expect(byId.accumulatedContent).toContain(`${doorTruth.people} people in front of 大門`);
    expectGrounded();

    const all = await sendMessage(h.url, h.keys.writer, chatId, '現在所有攝影機前各有多少人？');
    const lobbyTruth = await countsFromAnalytics(h.devices[1]!.deviceId);
    expect(all.accumulatedContent).toContain(`大門前有${doorTruth.people}人`);
    expect(all.accumulatedContent).toContain(`Lobby camera前有${lobbyTruth.people}人`);
    expect(all.accumulatedContent).toContain(`合計${doorTruth.people + lobbyTruth.people}人`);
    expectGrounded();
  });

  it('keeps a chat scoped to its devices', async () => {
    const chatId = await newChat({ deviceIds: [h.devices[1]!.deviceId] });
    const result = await sendMessage(h.url, h.keys.writer, chatId, 'How many people are there now?');
    expect(result.accumulatedContent).toContain('Lobby camera');
    expect(result.accumulatedContent).not.toContain('大門');
    expectGrounded();
  });

  it('keeps a chat scoped to a device label', async () => {
    const labelled = await h.control.createDevice(h.tenantId, { name: 'Side gate', labels: ['outdoor'] });
    const chatId = await newChat({ label: 'outdoor' });
    expect((await api(h, 'GET', `/chats/${chatId}`, h.keys.reader)).body.label).toBe('outdoor');
    const result = await sendMessage(h.url, h.keys.writer, chatId, 'How many people are there now?');
    expect(result.accumulatedContent).toBe(
      'Side gate has no analysed frame yet, so I cannot tell how many are there.',
    );
    expect(h.turns.at(-1)!.calls[0]!.result.devices).toHaveLength(1);
    await h.control.deleteDevice(h.tenantId, labelled.deviceId);
  });

  it('ends with the error event when analytics does not answer', async () => {
    const chatId = await newChat();
    h.responder.stop();
    try {
      const result = await sendMessage(
        h.url,
        h.keys.writer,
        chatId,
        'How many people are in front of the Lobby camera now?',
      );
      expect(result.status).toBe(200);
      expect(result.finalized).toBe(false);
      expect(result.types).toEqual(['error']);
      expect(result.errors[0]).toMatch(/analytics service did not answer/);
    } finally {
      h.responder.start(h.runtime.nc);
      await h.runtime.nc.flush();
    }
    // The service still answers afterwards.
    const again = await sendMessage(
      h.url,
      h.keys.writer,
      chatId,
      'How many people are in front of the Lobby camera now?',
    );
    expect(again.finalized).toBe(true);
  });
});
