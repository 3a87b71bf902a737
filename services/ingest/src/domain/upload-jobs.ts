import { randomUUID } from 'node:crypto';

export type UploadJobState = 'running' | 'done' | 'failed';

export interface UploadJob {
  jobId: string;
  tenantId: string;
  deviceId: string;
  fileName: string;
  state: UploadJobState;
  /** Frames expected: ffprobe's duration × detect fps, rounded up. */
  framesTotal: number;
  framesDone: number;
  framesFailed: number;
  createdAt: number;
  updatedAt: number;
  error?: string;
}

/** The video upload jobs this replica runs; their progress is mirrored to KV by the caller. */
export class UploadJobs {
  private readonly jobs = new Map<string, UploadJob>();

  create(
    input: Pick<UploadJob, 'tenantId' | 'deviceId' | 'fileName' | 'framesTotal'>,
    now = Date.now(),
  ): UploadJob {
    const job: UploadJob = {
      ...input,
      jobId: randomUUID(),
      state: 'running',
      framesDone: 0,
      framesFailed: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.jobs.set(job.jobId, job);
    return job;
  }

  /** A job of this tenant, or undefined: another tenant's job looks like none. */
  find(tenantId: string, jobId: string): UploadJob | undefined {
    const job = this.jobs.get(jobId);
    return job?.tenantId === tenantId ? job : undefined;
  }

  /** Forget finished jobs after an hour so memory stays flat. */
  sweep(now: number, keepMs = 3600_000): void {
    for (const [id, job] of this.jobs)
      if (job.state !== 'running' && now - job.updatedAt > keepMs) this.jobs.delete(id);
  }
}

/** The job's progress as a fraction, for the API answer. */
export function progressOf(job: UploadJob): number {
  if (job.state === 'done') return 1;
  return job.framesTotal > 0 ? Math.min(1, job.framesDone / job.framesTotal) : 0;
}
