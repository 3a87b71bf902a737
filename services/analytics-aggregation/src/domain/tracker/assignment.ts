/**
 * Minimum-cost assignment (Hungarian algorithm, O(n²m) with potentials) on a rows × cols
 * cost matrix; pairs whose cost exceeds `maxCost` are left unmatched, as ByteTrack's
 * `linear_assignment(thresh)` does.
 */
export interface AssignmentResult {
  matches: Array<[number, number]>;
  unmatchedRows: number[];
  unmatchedCols: number[];
}

const BLOCKED = 1e6;

export function assign(cost: number[][], rows: number, cols: number, maxCost: number): AssignmentResult {
  if (rows === 0 || cols === 0) {
    return { matches: [], unmatchedRows: range(rows), unmatchedCols: range(cols) };
  }
  // The algorithm wants rows <= cols; transpose when needed.
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const at = (i: number, j: number) => {
    const c = transposed ? cost[j]![i]! : cost[i]![j]!;
    return c > maxCost ? BLOCKED : c;
  };
  const rowOfCol = hungarian(n, m, at);
  const matches: Array<[number, number]> = [];
  for (let j = 0; j < m; j++) {
    const i = rowOfCol[j]!;
    if (i < 0 || at(i, j) >= BLOCKED) continue;
    matches.push(transposed ? [j, i] : [i, j]);
  }
  const matchedRows = new Set(matches.map(([r]) => r));
  const matchedCols = new Set(matches.map(([, c]) => c));
  return {
    matches,
    unmatchedRows: range(rows).filter((r) => !matchedRows.has(r)),
    unmatchedCols: range(cols).filter((c) => !matchedCols.has(c)),
  };
}

/** e-maxx Hungarian: returns, for each column, its row (or -1). Requires n <= m. */
function hungarian(n: number, m: number, at: (i: number, j: number) => number): Int32Array {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowOfCol = new Int32Array(m).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) rowOfCol[j - 1] = p[j]! - 1;
  return rowOfCol;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
