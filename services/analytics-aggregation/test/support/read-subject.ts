import type { JetStreamClient } from '@sightline/nats';
import { waitFor } from '@sightline/testing';
import { readSubjectRange } from '../../src/adapters/subject-range.js';

/**
 * Every message stored on one subject of a stream, read the way the service reads (one explicit
 * `filter_subject`, which nats-server 2.9 accepts), never through `filter_subjects`.
 */
export async function readSubject<T>(js: JetStreamClient, stream: string, subject: string): Promise<T[]> {
  const jsm = await js.jetstreamManager();
  const out: T[] = [];
  await readSubjectRange(jsm, js, { stream, filterSubject: subject, startTime: 0, limit: 10_000 }, (m) =>
    out.push(m.json<T>()),
  );
  return out;
}

/** Wait until at least `count` messages are stored on the subject, and return them all. */
export function readAtLeast<T>(js: JetStreamClient, stream: string, subject: string, count: number) {
  return waitFor(
    async () => {
      const all = await readSubject<T>(js, stream, subject);
      return all.length >= count ? all : undefined;
    },
    { what: `${count} messages on ${subject}` },
  );
}
