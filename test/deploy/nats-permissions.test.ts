import { execFileSync } from 'node:child_process';
import { buckets, consumers, streams, subjects } from '@sightline/contracts';
import {
  connectNats,
  JsonBucket,
  jetstream,
  manager,
  type NatsConnection,
  provisionAll,
  provisionConsumer,
  publishBytes,
} from '@sightline/nats';
import { waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from './support/paths.js';
import {
  natsBinary,
  natsPasswords,
  prepareShippedNats,
  type ShippedNats,
  startShippedNats,
} from './support/shipped-nats.js';

type User = (typeof services)[number]['natsUser'] | 'admin';

/**
 * Who may publish what on core NATS (and so into the streams those subjects feed), from the
 * pipeline's wire contract (docs/development.md). Every pair not listed `true` must be refused.
 */
const mayPublish: Record<string, Partial<Record<User, true>>> = {
  [subjects.frames('t1', 'cam-1')]: { ingest: true, admin: true },
  [subjects.detections(3, 't1', 'cam-1')]: { ingest: true, inference: true, admin: true },
  [subjects.live('t1', 'cam-1')]: { inference: true, admin: true },
  [subjects.liveViewers('t1', 'cam-1')]: { gateway: true, admin: true },
  [subjects.liveViewersSync]: { inference: true, admin: true },
  [subjects.analysis('t1', 'cam-1')]: { analytics: true, admin: true },
  [subjects.events('t1', 'cam-1', 'NFV4-PC')]: { analytics: true, admin: true },
  [subjects.rollups('t1', 'cam-1')]: { analytics: true, admin: true },
  [subjects.analyticsQuery]: { chat: true, gateway: true, admin: true },
  [subjects.controlChanged('device', 't1', 'cam-1')]: { gateway: true, admin: true },
};
const inferenceConsumer = { ...consumers.inference, filterSubjects: [...consumers.inference.filterSubjects] };
const users: User[] = [...services.map((s) => s.natsUser), 'admin'];

describe('deploy/nats config', () => {
  it('parses with nats-server -t', async () => {
    const prepared = await prepareShippedNats();
    const out = execFileSync(natsBinary(), ['-c', prepared.confPath, '-t'], {
      env: prepared.env,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    expect(`${out}`).toBe('');
  });
});

describe('per-service NATS users on a real nats-server with the shipped config', () => {
  let nats: ShippedNats;
  const conns = {} as Record<User, NatsConnection>;

  beforeAll(async () => {
    nats = await startShippedNats();
    const passwords = natsPasswords();
    for (const user of users) {
      conns[user] = await connectNats({
        url: nats.natsUrl,
        name: user,
        user,
        pass: passwords[`NATS_PASS_${user.toUpperCase()}`],
      });
    }
  });
  afterAll(async () => {
    for (const nc of Object.values(conns)) await nc.close();
    await nats?.stop();
  });

  it.each(services.map((s) => s.natsUser))(
    '%s provisions every stream and KV bucket at start, as runService does',
    async (user) => {
      await expect(provisionAll(conns[user])).resolves.toEqual([]);
    },
  );

  it('lets each service publish only the subjects the wire contract gives it', async () => {
    const outcome: Record<string, User[]> = {};
    for (const subject of Object.keys(mayPublish)) {
      const seen: User[] = [];
      const sub = conns.admin.subscribe(subject, {
        callback: (_err, msg) => {
          seen.push(msg.string() as User);
        },
      });
      await conns.admin.flush();
      for (const user of users) {
        conns[user].publish(subject, user);
        await conns[user].flush();
      }
      // Everything a publisher's flush covered has been routed; the observer's flush drains it.
      await conns.admin.flush();
      sub.unsubscribe();
      outcome[subject] = seen.sort();
    }
    const expected = Object.fromEntries(
      Object.entries(mayPublish).map(([subject, allowed]) => [
        subject,
        (Object.keys(allowed) as User[]).sort(),
      ]),
    );
    expect(outcome).toEqual(expected);
  });

  it('lets inference consume FRAMES through its durable consumer, and chat neither read nor subscribe to frames', async () => {
    await provisionAll(conns.admin);
    await publishBytes(
      jetstream(conns.ingest),
      subjects.frames('t1', 'cam-7'),
      new Uint8Array([0xff, 0xd8]),
      { msgId: 'f-1' },
    );
    await provisionConsumer(conns.inference, inferenceConsumer);
    const msg = await jetstream(conns.inference)
      .consumers.get(streams.frames.name, consumers.inference.durable)
      .then((c) => c.next());
    // The first stored frame: the publish test above may have stored some too.
    expect(msg?.subject).toMatch(/^frames\.t1\./);
    await expect(msg!.ackAck()).resolves.toBe(true);

    // FRAMES keeps a frame only until inference acks it (interest retention): peek at one still waiting.
    const adminJsm = await manager(conns.admin);
    const waiting = (await adminJsm.streams.info(streams.frames.name)).state.last_seq;
    const chatJsm = await manager(conns.chat);
    await expect(chatJsm.streams.getMessage(streams.frames.name, { seq: waiting })).rejects.toThrow();
    await expect(
      provisionConsumer(conns.chat, { ...inferenceConsumer, durable: 'chat-peek' }),
    ).rejects.toThrow();
    await expect(adminJsm.streams.getMessage(streams.frames.name, { seq: waiting })).resolves.toBeTruthy();

    const denied = conns.chat.subscribe(subjects.framesAll);
    await expect(denied.closed).resolves.toBeInstanceOf(Error);
  });

  it('lets analytics get a single frame by sequence (event images), never consume FRAMES', async () => {
    await provisionAll(conns.admin);
    const subject = subjects.frames('t1', 'cam-8');
    const stored = await publishBytes(jetstream(conns.ingest), subject, new Uint8Array([0xff, 0xd8]), {
      msgId: 'f-analytics-1',
    });
    const analyticsJsm = await manager(conns.analytics);
    const frame = await analyticsJsm.streams.getMessage(streams.frames.name, { seq: stored.seq });
    expect(frame?.subject).toBe(subject);
    // Refused by the permissions, not by the stream.
    await expect(
      provisionConsumer(conns.analytics, { ...inferenceConsumer, durable: 'analytics-peek' }),
    ).rejects.toThrow(/permission/i);
    await expect(
      analyticsJsm.consumers.add(streams.frames.name, { name: 'analytics-eph', filter_subject: subject }),
    ).rejects.toThrow(/permission/i);
    const denied = conns.analytics.subscribe(subjects.framesAll);
    await expect(denied.closed).resolves.toBeInstanceOf(Error);
  });

  it('lets analytics read FRAME_HISTORY by sequence only, and neither chat nor the gateway read it at all', async () => {
    await provisionAll(conns.admin);
    const subject = subjects.frames('t1', 'cam-9');
    const stored = await publishBytes(jetstream(conns.ingest), subject, new Uint8Array([0xff, 0xd8]), {
      msgId: 'f-history-1',
    });
    const analyticsJsm = await manager(conns.analytics);
    const kept = await waitFor(
      () => analyticsJsm.streams.getMessage(streams.frameHistory.name, { seq: stored.seq }),
      {
        what: 'the frame in FRAME_HISTORY',
      },
    );
    expect(kept?.subject).toBe(subject);
    await expect(
      analyticsJsm.consumers.add(streams.frameHistory.name, { name: 'analytics-history' }),
    ).rejects.toThrow(/permission/i);
    for (const user of ['chat', 'gateway'] as const) {
      const jsm = await manager(conns[user]);
      await expect(
        jsm.streams.getMessage(streams.frameHistory.name, { seq: stored.seq }),
        user,
      ).rejects.toThrow();
      await expect(
        jsm.consumers.add(streams.frameHistory.name, { name: `${user}-history` }),
        user,
      ).rejects.toThrow();
    }
  });

  it('lets a service write only its own KV buckets', async () => {
    const sessionsOfIngest = await JsonBucket.open<{ at: number }>(conns.ingest, buckets.sessions);
    await expect(sessionsOfIngest.put('lease.cam-1', { at: 1 })).resolves.toBeGreaterThan(0);
    const keysOfIngest = await JsonBucket.open<{ at: number }>(conns.ingest, buckets.apiKeys);
    await expect(keysOfIngest.put('k1', { at: 1 })).rejects.toThrow();
    const keysOfGateway = await JsonBucket.open<{ at: number }>(conns.gateway, buckets.apiKeys);
    await expect(keysOfGateway.put('k1', { at: 1 })).resolves.toBeGreaterThan(0);
    const chatsOfChat = await JsonBucket.open<{ at: number }>(conns.chat, buckets.chats);
    await expect(chatsOfChat.put('c1', { at: 1 })).resolves.toBeGreaterThan(0);
    const tenantsOfChat = await JsonBucket.open<{ at: number }>(conns.chat, buckets.tenants);
    await expect(tenantsOfChat.put('t1', { at: 1 })).rejects.toThrow();
  });

  it('lets only the gateway open and end cookie sessions; chat and ingest read them to accept the cookie', async () => {
    const session = { tenantId: 't1', keyId: 'k1', createdAt: 1, expiresAt: 2 };
    const ofGateway = await JsonBucket.open<typeof session>(conns.gateway, buckets.webSessions);
    await expect(ofGateway.put('s1', session)).resolves.toBeGreaterThan(0);
    for (const user of ['chat', 'ingest'] as const) {
      const reader = await JsonBucket.open<typeof session>(conns[user], buckets.webSessions);
      await expect(reader.get('s1'), user).resolves.toEqual(session);
      await expect(reader.put('s1', session), user).rejects.toThrow();
      await expect(reader.delete('s1'), user).rejects.toThrow();
    }
    for (const user of ['inference', 'analytics'] as const) {
      const bucket = await JsonBucket.open<typeof session>(conns[user], buckets.webSessions);
      await expect(bucket.put('s2', session), user).rejects.toThrow();
    }
    await expect(ofGateway.delete('s1')).resolves.toBeUndefined();
  });
});
