import { readFileSync } from 'node:fs';
import { dataPath } from '@sightline/testing';

export type Box = [number, number, number, number];

export interface MotSequence {
  name: string;
  frames: number;
  width: number;
  height: number;
  fps: number;
  /** Ground truth per frame (1-based index → boxes with their person id). */
  gt: Map<number, Array<{ id: number; box: Box }>>;
  /** det.txt per frame, score mapped to 0–1 by `normaliseScore`. */
  det: Map<number, Array<{ score: number; box: Box }>>;
}

/**
 * Read a 2DMOT2015-era sequence of shared/data/mot. Both gt.txt files have no class or
 * consider column (SOURCES.md), so every row is a pedestrian. x,y,w,h become x1,y1,x2,y2.
 */
export function loadMot(name: string, normaliseScore: (raw: number) => number = (s) => s): MotSequence {
  const ini = readFileSync(dataPath('mot', name, 'seqinfo.ini'), 'utf8');
  const field = (key: string) => Number(new RegExp(`^${key}=(.+)$`, 'm').exec(ini)?.[1]);
  const gt = new Map<number, Array<{ id: number; box: Box }>>();
  for (const row of rows(dataPath('mot', name, 'gt', 'gt.txt'))) {
    push(gt, row[0]!, { id: row[1]!, box: box(row) });
  }
  const det = new Map<number, Array<{ score: number; box: Box }>>();
  for (const row of rows(dataPath('mot', name, 'det', 'det.txt'))) {
    push(det, row[0]!, { score: normaliseScore(row[6]!), box: box(row) });
  }
  return {
    name,
    frames: field('seqLength'),
    width: field('imWidth'),
    height: field('imHeight'),
    fps: field('frameRate'),
    gt,
    det,
  };
}

function rows(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split(',').map(Number));
}

function box(row: number[]): Box {
  return [row[2]!, row[3]!, row[2]! + row[4]!, row[3]! + row[5]!];
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

/** Deterministic pseudo-random numbers (mulberry32) so a noisy test is the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian noise (Box–Muller) from a uniform source. */
export function gaussian(random: () => number, sigma: number): number {
  const u = Math.max(1e-12, random());
  return sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
