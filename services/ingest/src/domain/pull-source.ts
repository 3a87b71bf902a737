/** How ffmpeg reads a device's `sourceUrl`. */
export interface PullSource {
  kind: 'rtsp' | 'http' | 'file';
  input: string;
  /** ffmpeg options before `-i`. */
  inputArgs: string[];
  /** A file source restarts from the beginning at its end (the default; `?loop=0` turns it off). */
  loop: boolean;
}

const NETWORK_TIMEOUT_US = '5000000';

/**
 * Parse a source URL: `rtsp://` / `rtsps://` (over TCP), `http(s)://` (MJPEG stream or a JPEG
 * snapshot, which ffmpeg reads as a one-frame stream and the puller re-reads at the detect fps),
 * or a file (`file:///path` or an absolute path; `?loop=0` plays it once). Undefined otherwise.
 */
export function parsePullSource(sourceUrl: string): PullSource | undefined {
  if (/^rtsps?:\/\//i.test(sourceUrl)) {
    return {
      kind: 'rtsp',
      input: sourceUrl,
      inputArgs: ['-rtsp_transport', 'tcp', '-timeout', NETWORK_TIMEOUT_US],
      loop: false,
    };
  }
  if (/^https?:\/\//i.test(sourceUrl)) {
    return { kind: 'http', input: sourceUrl, inputArgs: ['-rw_timeout', NETWORK_TIMEOUT_US], loop: false };
  }
  const fileMatch = /^(?:file:\/\/)?(\/[^?]*)(?:\?(.*))?$/.exec(sourceUrl);
  if (!fileMatch) return undefined;
  const params = new URLSearchParams(fileMatch[2] ?? '');
  const loop = !['0', 'false', 'no'].includes(params.get('loop') ?? '');
  const path = decodeURIComponent(fileMatch[1]!);
  // -re reads the file at its native rate, so a file behaves like a live camera.
  return { kind: 'file', input: path, inputArgs: loop ? ['-re', '-stream_loop', '-1'] : ['-re'], loop };
}

/** Exponential backoff: min × 2^attempt, capped, with ±20 % jitter so replicas do not pulse together. */
export function backoffMs(attempt: number, minMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}
