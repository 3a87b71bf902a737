import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from the frame id, so a redelivered frame gets the same analysisId
 * (and the ANALYSIS stream's Nats-Msg-Id dedupe and SSE ids stay consistent).
 */
export function analysisIdOf(frameId: string): string {
  const hex = createHash('sha256').update(`analysis:${frameId}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
