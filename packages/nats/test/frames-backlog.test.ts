/**
 * FRAMES as provisioned from the contracts, on a real nats-server: frames wait for inference
 * (interest retention), a device's frame beyond the 30 waiting is refused instead of the oldest
 * discarded unseen, FRAME_HISTORY keeps analysed frames by their FRAMES sequence, and the
 * upgrade path from the old limits-retention stream.
 */
import { AckPolicy, DiscardPolicy, RetentionPolicy } from '@nats-io/jetstream';
import { consumers, streams, subjects } from '@sightline/contracts';
import { startNats, type TestNats, waitFor } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNats,
  isSubjectFull,
  jetstream,
  manager,
  type NatsConnection,
  provisionAll,
  publishBytes,
} from '../src/index.js';

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
const backlog = streams.frames.maxMsgsPerSubject;

let nats: TestNats;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ url: nats.url, name: 'frames-backlog-test' });
});
afterAll(async () => {
  await nc?.drain();
  await nats?.stop();
});

describe('FRAMES backlog per device', () => {
  it('re-creates an old limits-retention FRAMES with interest retention, keeps its durable consumer, reports it, adds FRAME_HISTORY', async () => {
    const jsm = await manager(nc);
    // FRAMES as provisioned before: limits retention, discard old.
    await jsm.streams.add({
      name: streams.frames.name,
      subjects: [...streams.frames.subjects],
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_msgs_per_subject: backlog,
    });
    await jsm.consumers.add(streams.frames.name, {
      durable_name: consumers.inference.durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: 'frames.>',
    });
    for (let i = 0; i < 3; i++)
      await publishBytes(jetstream(nc), subjects.frames('t0', 'd0'), jpeg, { msgId: `old-${i}` });

    expect(await provisionAll(nc)).toEqual([
      {
        stream: 'FRAMES',
        reason: 'retention limits → interest',
        done: true,
        messagesDeleted: 3,
        unconsumedDeleted: 3,
        consumersRecreated: [consumers.inference.durable],
        consumersLost: [],
      },
    ]);
    expect((await jsm.streams.info(streams.frames.name)).config).toMatchObject({
      retention: 'interest',
      discard: 'new',
      discard_new_per_subject: true,
      max_msgs_per_subject: backlog,
    });
    expect((await jsm.streams.info(streams.frameHistory.name)).config).toMatchObject({
      mirror: { name: 'FRAMES' },
      retention: 'limits',
      discard: 'old',
      max_msgs_per_subject: backlog,
    });
    await expect(jsm.consumers.info(streams.frames.name, consumers.inference.durable)).resolves.toBeTruthy();
    // Provisioning again changes nothing.
    expect(await provisionAll(nc)).toEqual([]);
  });

  it(`refuses a device's frame beyond ${backlog} waiting (err 10077), not another device's, and takes it once one is acked`, async () => {
    const js = jetstream(nc);
    const full = subjects.frames('t1', 'busy');
    for (let i = 0; i < backlog; i++) await publishBytes(js, full, jpeg, { msgId: `busy-${i}` });

    const refused = await publishBytes(js, full, jpeg, { msgId: 'busy-extra' }).catch((err: unknown) => err);
    expect(isSubjectFull(refused)).toBe(true);
    expect(isSubjectFull(new Error('maximum messages per subject exceeded'))).toBe(false);
    // A retry of a frame already stored is still answered as a duplicate, not refused.
    expect((await publishBytes(js, full, jpeg, { msgId: 'busy-0' })).duplicate).toBe(true);
    // Another device of the same tenant is unaffected.
    await expect(
      publishBytes(js, subjects.frames('t1', 'idle'), jpeg, { msgId: 'idle-0' }),
    ).resolves.toBeTruthy();

    // inference acking a frame removes it from FRAMES, while FRAME_HISTORY keeps it under the
    // same sequence for event images...
    const consumer = await js.consumers.get(streams.frames.name, consumers.inference.durable);
    const first = await consumer.next({ expires: 2000 });
    expect(first?.subject).toBe(full);
    expect(await first!.ackAck()).toBe(true);
    const jsm = await manager(nc);
    const kept = await waitFor(() => jsm.streams.getMessage(streams.frameHistory.name, { seq: first!.seq }), {
      what: 'the acked frame in FRAME_HISTORY',
    });
    expect(kept?.subject).toBe(full);
    // ...and frees a place for the device's next frame.
    await expect(publishBytes(js, full, jpeg, { msgId: 'busy-extra' })).resolves.toMatchObject({
      duplicate: false,
    });
  });
});
