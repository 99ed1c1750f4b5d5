import { describeValue, EnvError } from '../errors';
import type { Rng } from '../rng';

/**
 * The two task families of the BO-MRL paper. `'high'`: H cells are absorbing holes paying -1
 * per step. `'low'`: H cells are ordinary cells paying -0.5 whenever entered.
 */
export type Variance = 'high' | 'low';

/** A cell of a map: Start, Frozen, H (hole / penalty cell), Goal. */
export type Cell = 'S' | 'F' | 'H' | 'G';

/**
 * One Frozen Lake task: plain JSON, self-describing, validated on use.
 *
 * @example { kind: 'frozen-lake', variance: 'high', map: ['SFFF', 'FFFH', 'FFFF', 'HFFG'], slip: 0 }
 */
export interface FrozenLakeTask {
  readonly kind: 'frozen-lake';
  readonly variance: Variance;
  /** Rows of 'S' | 'F' | 'H' | 'G', top row first; row r, column c is state r * ncol + c. */
  readonly map: readonly string[];
  /** Probability that a move goes perpendicular to the intended direction (0 = deterministic). */
  readonly slip: number;
}

const CELLS = new Set(['S', 'F', 'H', 'G']);

/** Cells reachable from S by 4-neighbour moves that never enter an H cell. */
function reachesGoalAvoidingH(map: readonly string[]): boolean {
  const nrow = map.length;
  const ncol = (map[0] as string).length;
  const start = map.join('').indexOf('S');
  const seen = new Uint8Array(nrow * ncol);
  const queue = [start];
  seen[start] = 1;
  while (queue.length > 0) {
    const s = queue.pop() as number;
    const r = Math.floor(s / ncol);
    const c = s % ncol;
    if ((map[r] as string)[c] === 'G') return true;
    const next: [number, number][] = [
      [r, c - 1],
      [r + 1, c],
      [r, c + 1],
      [r - 1, c],
    ];
    for (const [nr, nc] of next) {
      if (nr < 0 || nr >= nrow || nc < 0 || nc >= ncol) continue;
      const ns = nr * ncol + nc;
      if (seen[ns] || (map[nr] as string)[nc] === 'H') continue;
      seen[ns] = 1;
      queue.push(ns);
    }
  }
  return false;
}

/**
 * Checks a map and throws an {@link EnvError} naming the problem: rows of equal length made of
 * S/F/H/G, exactly one S and one G, and a path from S to G that never enters an H cell (in the
 * high-variance family a map without one would make the goal unreachable).
 */
export function validateMap(map: unknown, where = 'map'): asserts map is string[] {
  if (!Array.isArray(map) || map.length === 0 || !map.every((row) => typeof row === 'string')) {
    throw new EnvError(
      `${where} must be a non-empty array of strings (rows of 'S', 'F', 'H', 'G'), got ${describeValue(map)}`,
    );
  }
  const ncol = (map[0] as string).length;
  if (ncol === 0) throw new EnvError(`${where}[0] is empty; rows need at least one cell`);
  map.forEach((row: string, r) => {
    if (row.length !== ncol) {
      throw new EnvError(
        `${where}[${r}] has ${row.length} cells but ${where}[0] has ${ncol}; all rows must be equally long`,
      );
    }
    for (const ch of row) {
      if (!CELLS.has(ch))
        throw new EnvError(
          `${where}[${r}] contains ${JSON.stringify(ch)}; cells must be 'S', 'F', 'H' or 'G'`,
        );
    }
  });
  const flat = map.join('');
  const count = (ch: string) => flat.split(ch).length - 1;
  if (count('S') !== 1)
    throw new EnvError(`${where} must contain exactly one start cell 'S', found ${count('S')}`);
  if (count('G') !== 1)
    throw new EnvError(`${where} must contain exactly one goal cell 'G', found ${count('G')}`);
  if (!reachesGoalAvoidingH(map)) {
    throw new EnvError(
      `${where} has no path from 'S' to 'G' that avoids 'H' cells; every task needs one`,
    );
  }
}

/** Checks a whole task (shape, map, variance, slip) and returns it typed. */
export function validateTask(task: unknown, where = 'task'): FrozenLakeTask {
  if (typeof task !== 'object' || task === null || Array.isArray(task)) {
    throw new EnvError(
      `${where} must be an object { kind: 'frozen-lake', variance, map, slip }, got ${describeValue(task)}`,
    );
  }
  const t = task as Record<string, unknown>;
  if (t.kind !== 'frozen-lake') {
    throw new EnvError(`${where}.kind must be 'frozen-lake', got ${describeValue(t.kind)}`);
  }
  if (t.variance !== 'high' && t.variance !== 'low') {
    throw new EnvError(
      `${where}.variance must be 'high' or 'low', got ${describeValue(t.variance)}`,
    );
  }
  if (typeof t.slip !== 'number' || !(t.slip >= 0 && t.slip <= 1)) {
    throw new EnvError(`${where}.slip must be a number in [0, 1], got ${describeValue(t.slip)}`);
  }
  validateMap(t.map, `${where}.map`);
  return task as FrozenLakeTask;
}

/** Options of {@link generateMap}. */
export interface GenerateMapOptions {
  /** Grid side (the map is size x size). */
  size: number;
  variance: Variance;
  /** Chance that each eligible cell is an H cell. */
  holeProbability: number;
}

/**
 * A random size x size map with S at (0, 0) and G at (size-1, size-1). Each eligible cell
 * becomes H with probability `holeProbability`; maps without an H-free path from S to G are
 * redrawn. Eligible: every cell but S and G; in the high-variance family also never a cell with
 * row + col <= 2 (the paper's rule, which keeps holes away from the start).
 */
export function generateMap(options: GenerateMapOptions, rng: Rng): string[] {
  const { size, variance, holeProbability } = options;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const rows: string[] = [];
    for (let r = 0; r < size; r++) {
      let row = '';
      for (let c = 0; c < size; c++) {
        if (r === 0 && c === 0) row += 'S';
        else if (r === size - 1 && c === size - 1) row += 'G';
        else if (variance === 'high' && r + c <= 2) row += 'F';
        // Draw for every eligible cell, so the stream position does not depend on the outcome.
        else row += rng.next() < holeProbability ? 'H' : 'F';
      }
      rows.push(row);
    }
    if (reachesGoalAvoidingH(rows)) return rows;
  }
  throw new EnvError(
    `generateMap: no map with a path from S to G in 10000 draws; holeProbability ${holeProbability} is too high for size ${size}`,
  );
}
