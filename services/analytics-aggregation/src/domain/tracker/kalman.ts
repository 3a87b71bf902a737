/**
 * ByteTrack's constant-velocity Kalman filter on (cx, cy, aspect, h). F, H, Q and R are
 * diagonal per coordinate, so the 8×8 covariance stays block-diagonal in (position, velocity)
 * pairs: four independent 2-state filters are exactly the same filter, with far less work.
 */

const STD_POSITION = 1 / 20;
const STD_VELOCITY = 1 / 160;

export interface KalmanState {
  /** cx, cy, aspect (w/h), h */
  pos: Float64Array;
  vel: Float64Array;
  /** Per coordinate: var(pos), cov(pos, vel), var(vel). */
  pp: Float64Array;
  pv: Float64Array;
  vv: Float64Array;
}

export type Xyah = [number, number, number, number];

function positionStd(h: number): number[] {
  return [STD_POSITION * h, STD_POSITION * h, 1e-2, STD_POSITION * h];
}
function velocityStd(h: number): number[] {
  return [STD_VELOCITY * h, STD_VELOCITY * h, 1e-5, STD_VELOCITY * h];
}

export function initiate(z: Xyah): KalmanState {
  const h = z[3];
  const ps = positionStd(h);
  const vs = velocityStd(h);
  const state: KalmanState = {
    pos: Float64Array.from(z),
    vel: new Float64Array(4),
    pp: new Float64Array(4),
    pv: new Float64Array(4),
    vv: new Float64Array(4),
  };
  for (let i = 0; i < 4; i++) {
    state.pp[i] = (i === 2 ? ps[i]! : 2 * ps[i]!) ** 2;
    state.vv[i] = (i === 2 ? vs[i]! : 10 * vs[i]!) ** 2;
  }
  return state;
}

/** One frame ahead. */
export function predict(s: KalmanState): void {
  const h = s.pos[3]!;
  const ps = positionStd(h);
  const vs = velocityStd(h);
  for (let i = 0; i < 4; i++) {
    s.pos[i]! += s.vel[i]!;
    s.pp[i] = s.pp[i]! + 2 * s.pv[i]! + s.vv[i]! + ps[i]! ** 2;
    s.pv[i] = s.pv[i]! + s.vv[i]!;
    s.vv[i] = s.vv[i]! + vs[i]! ** 2;
  }
}

export function update(s: KalmanState, z: Xyah): void {
  const h = s.pos[3]!;
  const rs = [STD_POSITION * h, STD_POSITION * h, 1e-1, STD_POSITION * h];
  for (let i = 0; i < 4; i++) {
    const innovationVar = s.pp[i]! + rs[i]! ** 2;
    const kp = s.pp[i]! / innovationVar;
    const kv = s.pv[i]! / innovationVar;
    const residual = z[i]! - s.pos[i]!;
    s.pos[i]! += kp * residual;
    s.vel[i]! += kv * residual;
    const pp = s.pp[i]!;
    const pv = s.pv[i]!;
    s.pp[i] = (1 - kp) * pp;
    s.pv[i] = (1 - kp) * pv;
    s.vv[i] = s.vv[i]! - kv * pv;
  }
}

export function xyahOfBox(box: readonly number[]): Xyah {
  const w = box[2]! - box[0]!;
  const h = Math.max(1e-3, box[3]! - box[1]!);
  return [(box[0]! + box[2]!) / 2, (box[1]! + box[3]!) / 2, w / h, h];
}

export function boxOfState(s: KalmanState): [number, number, number, number] {
  const [cx, cy, a, h] = s.pos as unknown as number[];
  const w = a! * h!;
  return [cx! - w / 2, cy! - h! / 2, cx! + w / 2, cy! + h! / 2];
}
