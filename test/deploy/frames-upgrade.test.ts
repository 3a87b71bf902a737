/**
 * Upgrading a NATS that still has the old FRAMES (limits retention, discard old), with the
 * shipped accounts: a service may not delete streams, so it leaves FRAMES working as before and
 * reports it; the admin's provisioning re-creates it as the contracts say, keeping `inference`.
 */
import { consumers, streams } from '@sightline/contracts';
import { AckPolicy, connectNats, manager, type NatsConnection, provisionAll } from '@sightline/nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsPasswords, type ShippedNats, startShippedNats } from './support/shipped-nats.js';

describe('FRAMES from before interest retention, on the shipped NATS config', () => {
  let nats: ShippedNats;
  let admin: NatsConnection;
  let ingest: NatsConnection;

  beforeAll(async () => {
    nats = await startShippedNats();
    const passwords = natsPasswords();
    admin = await connectNats({
      url: nats.natsUrl,
      name: 'admin',
      user: 'admin',
      pass: passwords.NATS_PASS_ADMIN,
    });
    ingest = await connectNats({
      url: nats.natsUrl,
      name: 'ingest',
      user: 'ingest',
      pass: passwords.NATS_PASS_INGEST,
    });
    const jsm = await manager(admin);
    await jsm.streams.add({
      name: streams.frames.name,
      subjects: [...streams.frames.subjects],
      retention: 'limits',
      discard: 'old',
      max_msgs_per_subject: streams.frames.maxMsgsPerSubject,
    });
    await jsm.consumers.add(streams.frames.name, {
      durable_name: consumers.inference.durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: 'frames.>',
    });
  });
  afterAll(async () => {
    await ingest?.close();
    await admin?.close();
    await nats?.stop();
  });

  it('a service user leaves it as it was and reports it; the admin re-creates it', async () => {
    const [byService] = await provisionAll(ingest);
    expect(byService).toMatchObject({ stream: 'FRAMES', reason: 'retention limits → interest', done: false });
    expect(byService?.error).toMatch(/permission/i);
    const jsm = await manager(admin);
    expect((await jsm.streams.info(streams.frames.name)).config.retention).toBe('limits');

    const [byAdmin] = await provisionAll(admin);
    expect(byAdmin).toMatchObject({ stream: 'FRAMES', done: true, consumersRecreated: ['inference'] });
    expect((await jsm.streams.info(streams.frames.name)).config).toMatchObject({
      retention: 'interest',
      discard_new_per_subject: true,
    });
    expect(await provisionAll(ingest)).toEqual([]);
  });
});
