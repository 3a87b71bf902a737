import type { ChatStreamEvent } from '@sightline/contracts';

/**
 * One seed 002 stream event as written on the wire: a single `data:` line and a blank line.
 * Each event goes out in one write so a client that splits each read on newlines (the seed's
 * client) sees whole lines.
 */
export function sseLine(event: ChatStreamEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** Split an answer into several chunks of a few words (or characters for CJK text). */
export function chunkText(text: string, targetChars = 12): string[] {
  const pieces = text.match(/[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+/g) ?? [];
  const chunks: string[] = [];
  let current = '';
  for (const piece of pieces) {
    current += piece;
    if (current.length >= targetChars) {
      chunks.push(current);
      current = '';
    }
  }
  if (current) chunks.push(current);
  return chunks;
}
