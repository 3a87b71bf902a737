import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: packages/testing/src → ../../.. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Real ONNX models: SIGHTLINE_MODELS_DIR, default ../shared/models beside the repo. */
export const modelsDir = resolve(
  process.env.SIGHTLINE_MODELS_DIR ?? join(repoRoot, '..', 'shared', 'models'),
);
/** Real images, video and MOT ground truth: SIGHTLINE_DATA_DIR, default ../shared/data. */
export const dataDir = resolve(process.env.SIGHTLINE_DATA_DIR ?? join(repoRoot, '..', 'shared', 'data'));

export function modelPath(file: string): string {
  const p = join(modelsDir, file);
  if (!existsSync(p)) throw new Error(`model ${p} not found; set SIGHTLINE_MODELS_DIR`);
  return p;
}

export function dataPath(...parts: string[]): string {
  const p = join(dataDir, ...parts);
  if (!existsSync(p)) throw new Error(`test data ${p} not found; set SIGHTLINE_DATA_DIR`);
  return p;
}
