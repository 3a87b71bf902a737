/**
 * Splits a byte stream of concatenated JPEGs (ffmpeg's image2pipe mjpeg output) into frames:
 * a frame runs from an SOI marker (FF D8) to the next EOI marker (FF D9). ffmpeg's mjpeg encoder
 * writes no embedded thumbnails, so an EOI inside a frame cannot occur.
 */
export class JpegSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  private scanFrom = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feed a chunk; returns the frames it completed. Garbage before an SOI is dropped. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      const start = this.buffer.indexOf(SOI);
      if (start === -1) {
        this.reset(this.buffer.subarray(this.buffer.length - 1));
        return frames;
      }
      if (start > 0) this.reset(this.buffer.subarray(start));
      const end = this.buffer.indexOf(EOI, Math.max(2, this.scanFrom));
      if (end === -1) {
        this.scanFrom = Math.max(2, this.buffer.length - 1);
        if (this.buffer.length > this.maxFrameBytes) this.reset(Buffer.alloc(0));
        return frames;
      }
      frames.push(Buffer.from(this.buffer.subarray(0, end + 2)));
      this.reset(this.buffer.subarray(end + 2));
    }
  }

  private reset(rest: Buffer): void {
    this.buffer = rest;
    this.scanFrom = 0;
  }
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
