#!/usr/bin/env -S npx tsx
import { connectNats, provisionAll } from '@sightline/nats';
import { parseCli, runCommand, UsageError, usage } from './commands.js';

async function main(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parseCli>['values'];
  try {
    values = parseCli(argv).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (values.help || argv.length === 0) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const nc = await connectNats({
    url: values.nats ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'sightline-cli',
  });
  try {
    await provisionAll(nc);
    const result = await runCommand(nc, argv);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(
      `${err instanceof UsageError ? `${err.message}\n\n${usage}` : String((err as Error).message)}\n`,
    );
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await nc.drain();
  }
}

process.exitCode = await main(process.argv.slice(2));
