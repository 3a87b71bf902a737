import { expect } from 'vitest';
import type { AcceptedFrame, PushCounts } from './cameras.js';
import { countedDrops, type PipelineLedger } from './ledger.js';

export interface BooksInput {
  counts: PushCounts;
  accepted: AcceptedFrame[];
  /** frameId → when its analysis_result arrived on SSE. */
  onSse: Map<string, unknown>;
  duplicatesOnSse: number;
  ledger: PipelineLedger;
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/**
 * Where every frame the cameras sent went, from both ends. Each `*Remainder` is what no rule
 * explains and must be 0:
 * - the client's: sent = accepted + skipped by pacing + duplicate + refused (by status and code) + failed;
 * - refusals: the cameras' 503 `backlog_full` answers are ingest's `rejected{reason="backlog_full"}`;
 * - the pipeline's, per frame id: accepted = analysed (on SSE) + dropped with a counted reason;
 * - FRAMES': every frame ingest published was taken off by inference.
 */
export function balanceBooks({ counts, accepted, onSse, duplicatesOnSse, ledger }: BooksInput) {
  const acceptedIds = new Set(accepted.map((a) => a.frameId));
  const analysed = accepted.filter((a) => onSse.has(a.frameId)).length;
  const droppedWithReason = countedDrops(ledger);
  const refusedBacklogFull = counts.rejected['503 backlog_full'] ?? 0;
  const answered =
    counts.accepted + counts.skippedByPacing + counts.duplicate + sum(counts.rejected) + sum(counts.errors);
  return {
    sent: counts.sent,
    accepted: acceptedIds.size,
    skippedByPacing: counts.skippedByPacing,
    refusedBacklogFull,
    refusedOther: sum(counts.rejected) - refusedBacklogFull,
    clientRemainder: counts.sent - answered,
    ingestCountedBacklogFull: ledger.ingest.rejectedByReason.backlog_full ?? 0,
    analysed,
    droppedWithReason,
    unaccounted: acceptedIds.size - analysed - droppedWithReason,
    vanishedBeforeInference: ledger.ingest.published - ledger.inference.handled,
    duplicatesOnSse,
    foreignOnSse: [...onSse.keys()].filter((id) => !acceptedIds.has(id)).length,
  };
}

export type Books = ReturnType<typeof balanceBooks>;

/** The books balance: nothing sent, accepted or published is left unexplained. */
export function expectBooksBalance(books: Books): void {
  expect(books.clientRemainder, 'answers the cameras got').toBe(0);
  expect(books.refusedOther, 'refusals other than backlog_full').toBe(0);
  expect(books.ingestCountedBacklogFull, 'backlog_full counted by ingest').toBe(books.refusedBacklogFull);
  expect(books.vanishedBeforeInference, 'frames vanished in FRAMES').toBe(0);
  expect(books.unaccounted, 'accepted frames neither analysed nor dropped with a reason').toBe(0);
  expect(books.duplicatesOnSse).toBe(0);
  expect(books.foreignOnSse).toBe(0);
}
