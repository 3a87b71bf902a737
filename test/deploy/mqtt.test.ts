import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { type AnalyticEvent, subjects } from '@sightline/contracts';
import { connectNats, jetstream, type NatsConnection, provisionAll, publishJson } from '@sightline/nats';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/paths.js';
import { mqttTenants, natsPasswords, type ShippedNats, startShippedNats } from './support/shipped-nats.js';

const [tenantA, tenantB] = mqttTenants as [(typeof mqttTenants)[0], (typeof mqttTenants)[0]];
const fixture = (
  JSON.parse(readFileSync(join(repoRoot, 'packages/contracts/fixtures/analytic-event.json'), 'utf8')) as {
    valid: AnalyticEvent[];
  }
).valid[0]!;

/** A received MQTT message, or the next one, in arrival order. */
function inbox(client: MqttClient) {
  const received: { topic: string; payload: string }[] = [];
  const waiters: (() => void)[] = [];
  client.on('message', (topic, payload) => {
    received.push({ topic, payload: payload.toString() });
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    received,
    async next(count: number) {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received[count - 1]!;
    },
  };
}

describe('NATS MQTT listener with the shipped config', () => {
  let nats: ShippedNats;
  let analytics: NatsConnection;
  let clientA: MqttClient;

  beforeAll(async () => {
    nats = await startShippedNats();
    // The events are published the way analytics-aggregation does: as its NATS user, on EVENTS.
    analytics = await connectNats({
      url: nats.natsUrl,
      name: 'analytics',
      user: 'analytics',
      pass: natsPasswords().NATS_PASS_ANALYTICS,
    });
    await provisionAll(analytics);
    clientA = await mqtt.connectAsync(nats.mqttUrl, {
      username: tenantA.user,
      password: tenantA.password,
      clientId: 'home-assistant-a',
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
  });

  afterAll(async () => {
    await clientA?.endAsync();
    await analytics?.close();
    await nats?.stop();
  });

  it("delivers a tenant's event published on events.<tenant>.<device>.NFV4-PC to its MQTT login", async () => {
    const messages = inbox(clientA);
    const granted = await clientA.subscribeAsync('events/tenantA/#', { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);

    const event = { ...fixture, stream_id: 'cam-1' };
    const js = jetstream(analytics);
    // Tenant B's event first: were it delivered to A, it would arrive before A's own.
    await publishJson(js, subjects.events(tenantB.tenant, 'cam-9', 'NFV4-PC'), event, { msgId: 'b-1' });
    await publishJson(js, subjects.events(tenantA.tenant, 'cam-1', 'NFV4-PC'), event, { msgId: 'a-1' });

    const first = await messages.next(1);
    expect(first.topic).toBe('events/tenantA/cam-1/NFV4-PC');
    expect(JSON.parse(first.payload)).toEqual(event);
  });

  it("refuses tenant A's login a subscription to tenant B's topics or to every tenant's", async () => {
    for (const topic of [
      'events/tenantB/#',
      'events/tenantB/cam-9/NFV4-PC',
      'events/#',
      '#',
      'frames/#',
      '$MQTT/sub/#',
    ]) {
      // mqtt.js rejects a SUBACK carrying 128 (0x80), MQTT 3.1.1's "subscription refused".
      const refusal = await clientA.subscribeAsync(topic, { qos: 0 }).then(
        () => undefined,
        (err: { packet?: { granted?: number[] } }) => err.packet?.granted,
      );
      expect(refusal, topic).toEqual([128]);
    }
  });

  it('refuses a wrong MQTT password', async () => {
    await expect(
      mqtt.connectAsync(nats.mqttUrl, {
        username: tenantA.user,
        password: 'wrong',
        protocolVersion: 4,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/not authorized|bad user name or password/i);
  });

  it('does not let an MQTT login connect as a NATS client', async () => {
    expect(await natsConnectReply(nats.natsUrl, tenantA.user, tenantA.password)).toMatch(
      /-ERR 'Authorization Violation'/,
    );
    expect(await natsConnectReply(nats.natsUrl, 'analytics', natsPasswords().NATS_PASS_ANALYTICS!)).toMatch(
      /^\+?PONG/m,
    );
  });
});

/** The server's answer to a NATS protocol CONNECT + PING with these credentials. */
function natsConnectReply(url: string, user: string, pass: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = createConnection({ host: hostname, port: Number(port) }, () => {
      socket.write(`CONNECT ${JSON.stringify({ user, pass, verbose: false, protocol: 1 })}\r\nPING\r\n`);
    });
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (/PONG|-ERR/.test(text)) {
        socket.destroy();
        resolve(text.split('\r\n').slice(1).join('\n'));
      }
    });
    socket.on('error', reject);
  });
}
