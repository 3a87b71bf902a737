import { type ChildProcess, spawn } from 'node:child_process';
import { JpegSplitter } from '../domain/jpeg-splitter.js';

export interface DecodeOptions {
  ffmpegPath: string;
  input: string;
  /** Output frames per second (the device's detect fps). */
  fps: number;
  /** ffmpeg options placed before `-i` (e.g. -re, -stream_loop -1, -rtsp_transport tcp). */
  inputArgs?: string[];
  maxFrameBytes: number;
}

export interface FrameDecoder {
  frames: AsyncIterable<Buffer>;
  /** Exit code (null when killed) and the last stderr lines. */
  exited: Promise<{ code: number | null; stderr: string }>;
  stop(): void;
  child: ChildProcess;
}

export function decodeArgs(options: DecodeOptions): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...(options.inputArgs ?? []),
    '-i',
    options.input,
    '-an',
    '-vf',
    // round=up keeps the single frame of a JPEG snapshot, which round=near drops.
    `fps=${options.fps}:round=up`,
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-q:v',
    '4',
    'pipe:1',
  ];
}

/**
 * Spawn ffmpeg to decode any source into JPEG frames at `fps`. The consumer's pace is ffmpeg's
 * pace: stdout is paused while a frame is being handled, so nothing queues without bound.
 */
export function spawnFrameDecoder(options: DecodeOptions): FrameDecoder {
  const child = spawn(options.ffmpegPath, decodeArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.once('close', (code) => resolve({ code, stderr }));
    child.once('error', (err) => resolve({ code: -1, stderr: String(err) }));
  });
  const splitter = new JpegSplitter(options.maxFrameBytes);
  async function* frames(): AsyncGenerator<Buffer> {
    if (!child.stdout) return;
    for await (const chunk of child.stdout) {
      for (const frame of splitter.push(chunk as Buffer)) yield frame;
    }
  }
  return { frames: frames(), exited, child, stop: () => child.kill('SIGKILL') };
}

export interface ProbeResult {
  durationSec: number;
  hasVideo: boolean;
}

/** ffprobe a file: its duration and whether it has a video stream; undefined when unreadable. */
export function probe(ffprobePath: string, file: string): Promise<ProbeResult | undefined> {
  return new Promise((resolve) => {
    const args = ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', file];
    const child = spawn(ffprobePath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => {
      if (code !== 0) return resolve(undefined);
      try {
        const json = JSON.parse(out) as {
          format?: { duration?: string };
          streams?: { codec_type?: string }[];
        };
        const durationSec = Number(json.format?.duration);
        const hasVideo = (json.streams ?? []).some((s) => s.codec_type === 'video');
        resolve(Number.isFinite(durationSec) ? { durationSec, hasVideo } : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}
