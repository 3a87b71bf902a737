import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ControlPlane } from '@sightline/auth';
import { connectNats, type NatsConnection, provisionAll } from '@sightline/nats';
import { repoRoot, startNats, type TestNats } from '@sightline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/index.js';

let nats: TestNats;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ url: nats.url, name: 'cli-test' });
  await provisionAll(nc);
});
afterAll(async () => {
  await nc?.drain();
  await nats?.stop();
});

describe('sightline CLI', () => {
  it('bootstraps a tenant with a working admin key, then manages keys and devices', async () => {
    const boot = (await runCommand(nc, ['bootstrap', '--name', 'Acme'])) as {
      tenant: { tenantId: string };
      apiKey: string;
    };
    const control = await ControlPlane.open(nc);
    expect(await control.verifyApiKey(boot.apiKey)).toMatchObject({ scopes: ['admin'] });
    const tenant = boot.tenant.tenantId;

    const key = (await runCommand(nc, [
      'key',
      'create',
      '--tenant',
      tenant,
      '--owner',
      'ops',
      '--scopes',
      'device:read,frames:write',
    ])) as {
      keyId: string;
      apiKey: string;
    };
    expect(key).not.toHaveProperty('hash');
    const listed = (await runCommand(nc, ['key', 'list', '--tenant', tenant])) as Array<
      Record<string, unknown>
    >;
    expect(listed).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(key.apiKey);
    expect(await runCommand(nc, ['key', 'revoke', '--tenant', tenant, '--key-id', key.keyId])).toEqual({
      revoked: true,
    });

    const device = (await runCommand(nc, [
      'device',
      'create',
      '--tenant',
      tenant,
      '--name',
      'Lobby',
      '--labels',
      'hq,lobby',
      '--fps',
      '2',
    ])) as {
      deviceId: string;
      labels: string[];
      detectFps: number;
    };
    expect(device.labels).toEqual(['hq', 'lobby']);
    expect(device.detectFps).toBe(2);
    expect(await runCommand(nc, ['device', 'list', '--tenant', tenant])).toHaveLength(1);
    expect(
      await runCommand(nc, ['device', 'delete', '--tenant', tenant, '--device', device.deviceId]),
    ).toEqual({ deleted: true });
  });

  it('rejects unknown scopes and commands', async () => {
    await expect(
      runCommand(nc, ['key', 'create', '--tenant', 't', '--owner', 'o', '--scopes', 'root']),
    ).rejects.toThrow(/unknown scope/);
    await expect(runCommand(nc, ['frobnicate'])).rejects.toThrow(/unknown command/);
  });

  it('runs as a command and exits 2 on bad usage', async () => {
    const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
    const main = join(repoRoot, 'packages', 'cli', 'src', 'main.ts');
    const ok = await promisify(execFile)(tsx, [
      main,
      'tenant',
      'create',
      '--name',
      'Via CLI',
      '--nats',
      nats.url,
    ]);
    expect(JSON.parse(ok.stdout).name).toBe('Via CLI');
    await expect(promisify(execFile)(tsx, [main, 'tenant', 'create', '--bogus'])).rejects.toMatchObject({
      code: 2,
    });
    // Two real processes starting tsx: seconds on a loaded machine.
  }, 60_000);
});
