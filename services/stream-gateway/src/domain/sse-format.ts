/** Server-Sent Events framing (seed 001): each event ends with a blank line. */

export function retryFrame(ms: number): string {
  return `retry: ${ms}\n\n`;
}

export const heartbeatFrame = ': heartbeat\n\n';

/** `data` must be one line: the caller passes JSON.stringify output, which never has a raw newline. */
export function eventFrame(event: string, id: string | undefined, data: string): string {
  return id === undefined
    ? `event: ${event}\ndata: ${data}\n\n`
    : `event: ${event}\nid: ${id}\ndata: ${data}\n\n`;
}

/** Why the server ends a stream; sent as `event: disconnect` just before it closes. */
export type DisconnectReason = 'idle_timeout' | 'slow_client' | 'shutdown' | 'slot_lost' | 'stream_error';

export function disconnectFrame(reason: DisconnectReason): string {
  return eventFrame('disconnect', undefined, JSON.stringify({ reason }));
}

/**
 * Sent first when a resume position is older than what ANALYSIS still retains: the events between
 * it and `firstAvailableId` are gone. The stream then continues from the first retained event.
 */
export function resetFrame(
  reason: 'retention' | 'unknown_position',
  firstAvailableId: string | null,
): string {
  return eventFrame('reset', undefined, JSON.stringify({ reason, firstAvailableId }));
}
