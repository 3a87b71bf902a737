import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import { requireDevice } from '@sightline/auth';
import { buckets } from '@sightline/contracts';
import { JsonBucket } from '@sightline/nats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { probe } from '../adapters/ffmpeg.js';
import { FrameRejection } from '../adapters/image-normalizer.js';
import { runVideoJob } from '../adapters/video-job.js';
import type { IngestContext } from '../context.js';
import { progressOf, type UploadJob, UploadJobs } from '../domain/upload-jobs.js';
import { principalOf, requireAuth } from './request-auth.js';

const VIDEO_EXTENSIONS = new Set(['.mp4', '.webm', '.avi', '.mkv']);
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

function kindOf(file: MultipartFile): 'image' | 'video' | undefined {
  const ext = extname(file.filename ?? '').toLowerCase();
  if (file.mimetype.startsWith('video/') || VIDEO_EXTENSIONS.has(ext)) return 'video';
  if (file.mimetype.startsWith('image/') || IMAGE_EXTENSIONS.has(ext)) return 'image';
  return undefined;
}

/** busboy's parse errors carry no status: a malformed form is the client's 400, never a 500. */
function isMultipartParseError(err: { statusCode?: number; stack?: string }): boolean {
  return err.statusCode === undefined && /busboy|dicer/i.test(err.stack ?? '');
}

function deviceIdOf(request: FastifyRequest, file: MultipartFile): string {
  const query = request.query as { deviceId?: string; camera_id?: string };
  const field = file.fields.deviceId ?? file.fields.camera_id;
  const fromField = field && !Array.isArray(field) && 'value' in field ? String(field.value) : undefined;
  const id = query.deviceId ?? query.camera_id ?? fromField;
  if (!id)
    throw new FrameRejection(
      'bad_body',
      'bad_request',
      'name the device: ?deviceId=… or a "deviceId" field before the file',
    );
  return id;
}

/**
 * Seed 003 `POST /api/upload` (multipart, one file): an image becomes one frame; a video (mp4,
 * webm, avi, mkv) becomes a job that decodes it at the device's detect fps. `GET
 * /api/upload/jobs/:id` reads the job's progress (also mirrored to KV `sessions` for other replicas).
 */
export async function uploadRoutes(app: FastifyInstance, ctx: IngestContext): Promise<() => void> {
  const jobs = new UploadJobs();
  const store = await JsonBucket.open<UploadJob>(ctx.runtime.nc, buckets.sessions);
  const jobKey = (job: Pick<UploadJob, 'tenantId' | 'jobId'>) => `upload.${job.tenantId}.${job.jobId}`;
  const lastWrite = new Map<string, number>();
  const mirror = (job: UploadJob) => {
    const now = Date.now();
    if (job.state === 'running' && now - (lastWrite.get(job.jobId) ?? 0) < 1000) return;
    lastWrite.set(job.jobId, now);
    if (job.state !== 'running') lastWrite.delete(job.jobId);
    void store
      .put(jobKey(job), job)
      .catch((err) => ctx.runtime.logger.warn({ err }, 'upload progress write failed'));
  };
  const abort = new AbortController();
  const { config } = ctx;
  // busboy reports a malformed form after the handler may have answered, as a status-less error.
  app.setErrorHandler(async (err: Error & { statusCode?: number }) => {
    throw isMultipartParseError(err)
      ? new FrameRejection('bad_multipart', 'bad_request', `malformed multipart body: ${err.message}`)
      : err;
  });

  app.post(
    '/api/upload',
    { onRequest: requireAuth(ctx, ['frames:write']), config: { source: 'upload' } },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new FrameRejection(
          'content_type',
          'unsupported_media_type',
          'send multipart/form-data with one file',
        );
      const file = await request.file({
        limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 1, fields: 8, fieldSize: 1024 },
      });
      if (!file) throw new FrameRejection('bad_body', 'bad_request', 'no file in the form');
      try {
        return await handleFile(request, reply, file);
      } catch (err) {
        // An unread file stream would keep the request open: drain it before answering.
        file.file.resume();
        throw err;
      }
    },
  );

  async function handleFile(request: FastifyRequest, reply: FastifyReply, file: MultipartFile) {
    const device = await requireDevice(ctx.control, principalOf(request), deviceIdOf(request, file));
    const kind = kindOf(file);
    if (kind === 'image') {
      const bytes = await file.toBuffer();
      const result = await ctx.intake.accept({
        device,
        bytes,
        source: 'upload',
        frameId: crypto.randomUUID(),
        clientNamed: false,
        paced: false,
      });
      return reply.code(202).send({ kind, ...result });
    }
    if (kind !== 'video')
      throw new FrameRejection(
        'content_type',
        'unsupported_media_type',
        'upload a JPEG/PNG image or an mp4/webm/avi/mkv video',
      );
    const dir = await mkdtemp(join(tmpdir(), 'sightline-upload-'));
    const path = join(dir, 'video');
    const probed = await saveAndProbe(file, path).catch(async (err) => {
      await rm(dir, { recursive: true, force: true });
      throw err;
    });
    const framesTotal = Math.max(1, Math.ceil(probed.durationSec * device.detectFps));
    const job = jobs.create({
      tenantId: device.tenantId,
      deviceId: device.deviceId,
      fileName: file.filename,
      framesTotal,
    });
    mirror(job);
    const deps = {
      intake: ctx.intake,
      metrics: ctx.metrics,
      logger: ctx.runtime.logger,
      ffmpegPath: config.FFMPEG_PATH,
      maxFrameBytes: config.MAX_FRAME_BYTES,
      speed: config.UPLOAD_SPEED,
      onProgress: mirror,
    };
    void runVideoJob(deps, job, device, path, abort.signal);
    return reply
      .code(202)
      .send({ kind, jobId: job.jobId, deviceId: device.deviceId, framesTotal, state: job.state });
  }

  async function saveAndProbe(file: MultipartFile, path: string) {
    await pipeline(file.file, createWriteStream(path));
    if (file.file.truncated)
      throw new FrameRejection(
        'too_large',
        'payload_too_large',
        `uploads are limited to ${config.UPLOAD_MAX_BYTES} bytes`,
      );
    const probed = await probe(config.FFPROBE_PATH, path);
    if (!probed?.hasVideo)
      throw new FrameRejection('not_a_video', 'unsupported_media_type', 'the file is not a readable video');
    return probed;
  }

  app.get(
    '/api/upload/jobs/:id',
    { onRequest: requireAuth(ctx, ['frames:write', 'device:read']), config: { source: 'upload' } },
    async (request) => {
      const { tenantId } = principalOf(request);
      const jobId = (request.params as { id: string }).id;
      const job =
        jobs.find(tenantId, jobId) ??
        (/^[0-9a-f-]{36}$/.test(jobId) ? await store.get(jobKey({ tenantId, jobId })) : undefined);
      if (!job) throw new FrameRejection('not_found', 'not_found', `upload job ${jobId} not found`);
      return { ...job, progress: progressOf(job) };
    },
  );

  const sweep = setInterval(() => jobs.sweep(Date.now()), 60_000);
  sweep.unref();
  return () => {
    clearInterval(sweep);
    abort.abort();
  };
}
