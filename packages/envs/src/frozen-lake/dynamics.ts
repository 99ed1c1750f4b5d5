import type { Rng } from '../rng';
import type { TabularModel } from '../tabular/model';
import type { Cell, FrozenLakeTask } from './map';

/** Action indices in Gymnasium's order. */
export const LEFT = 0;
export const DOWN = 1;
export const RIGHT = 2;
export const UP = 3;
/** Names of the actions, indexed by action. */
export const ACTION_NAMES = ['Left', 'Down', 'Right', 'Up'] as const;

const DR = [0, 1, 0, -1];
const DC = [-1, 0, 1, 0];

/** Reward for ENTERING a cell of the given kind in the given family. */
export function cellReward(cell: Cell, variance: FrozenLakeTask['variance']): number {
  if (cell === 'G') return 1;
  if (cell === 'H') return variance === 'high' ? -1 : -0.5;
  return 0;
}

/**
 * A task compiled to flat arrays: the single source of the dynamics, used both by the
 * environment (sampling) and by the exact model (enumeration), so the two cannot drift apart.
 */
export class Layout {
  readonly nrow: number;
  readonly ncol: number;
  readonly nStates: number;
  readonly start: number;
  readonly slip: number;
  readonly cells: readonly Cell[];
  /** Reward of entering each state. */
  readonly enterReward: Float64Array;
  /** 1 where every action keeps the agent in place (the goal; holes in the high family). */
  readonly absorbing: Uint8Array;

  constructor(task: FrozenLakeTask) {
    this.nrow = task.map.length;
    this.ncol = (task.map[0] as string).length;
    this.nStates = this.nrow * this.ncol;
    this.cells = task.map.join('').split('') as Cell[];
    this.start = this.cells.indexOf('S');
    this.slip = task.slip;
    this.enterReward = Float64Array.from(this.cells, (c) => cellReward(c, task.variance));
    this.absorbing = Uint8Array.from(this.cells, (c) =>
      c === 'G' || (c === 'H' && task.variance === 'high') ? 1 : 0,
    );
  }

  /** Where moving in `direction` from `s` lands (walls keep the agent in place). */
  move(s: number, direction: number): number {
    const r = Math.floor(s / this.ncol) + (DR[direction] as number);
    const c = (s % this.ncol) + (DC[direction] as number);
    if (r < 0 || r >= this.nrow || c < 0 || c >= this.ncol) return s;
    return r * this.ncol + c;
  }

  /**
   * Samples the next state. With probability 1 - slip the intended direction; otherwise one of
   * the two perpendicular directions, each with probability slip / 2 (one uniform draw per step
   * off an absorbing state, none when slip is 0 or the state is absorbing).
   */
  sampleNext(s: number, action: number, rng: Rng): number {
    if (this.absorbing[s]) return s;
    if (this.slip === 0) return this.move(s, action);
    const u = rng.next();
    if (u >= this.slip) return this.move(s, action);
    return this.move(s, u < this.slip / 2 ? (action + 1) % 4 : (action + 3) % 4);
  }

  /** The exact model: P[s,a,s'], R[s,a] = sum_s' P * enterReward(s'), initial = start. */
  model(gamma: number, horizon: number): TabularModel {
    const S = this.nStates;
    const A = 4;
    const P = new Float64Array(S * A * S);
    const R = new Float64Array(S * A);
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        const row = (s * A + a) * S;
        const outcomes: [number, number][] = this.absorbing[s]
          ? [[s, 1]]
          : [
              [this.move(s, a), 1 - this.slip],
              [this.move(s, (a + 1) % 4), this.slip / 2],
              [this.move(s, (a + 3) % 4), this.slip / 2],
            ];
        for (const [s2, p] of outcomes) {
          P[row + s2] = (P[row + s2] as number) + p;
          R[s * A + a] = (R[s * A + a] as number) + p * (this.enterReward[s2] as number);
        }
      }
    }
    const initial = new Float64Array(S);
    initial[this.start] = 1;
    return { nStates: S, nActions: A, P, R, initial, gamma, horizon };
  }
}
