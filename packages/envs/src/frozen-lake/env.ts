import type {
  FlatStep,
  ResetOptions,
  ResetResult,
  StepResult,
  TaskEnv,
  VectorizableEnv,
} from '../env';
import { describeValue, EnvError } from '../errors';
import { Rng } from '../rng';
import { Discrete } from '../spaces';
import type { TabularModel } from '../tabular/model';
import { ACTION_NAMES, Layout } from './dynamics';
import { type Cell, type FrozenLakeTask, validateTask } from './map';

/** Extra information returned by {@link FrozenLakeEnv.reset} and {@link FrozenLakeEnv.step}. */
export interface FrozenLakeInfo {
  /** Steps taken in this episode. */
  readonly t: number;
  readonly row: number;
  readonly col: number;
  /** The cell the agent is on. */
  readonly cell: Cell;
  /** True on the goal (and on a hole in the high-variance family): every action stays put. */
  readonly absorbing: boolean;
}

/** Episode settings of a {@link FrozenLakeEnv}. */
export interface FrozenLakeEnvOptions {
  /** Discount of the exact model (default 0.8, the paper's). */
  gamma?: number;
  /** Steps per episode (default 49, the paper's). */
  horizon?: number;
  /** Seed of the slip generator (default 0). */
  seed?: number;
}

type Status = 'needs-reset' | 'running' | 'ended' | 'closed';

/**
 * One Frozen Lake MDP. Observation: the state index `row * ncol + col`. Actions: 0 Left,
 * 1 Down, 2 Right, 3 Up. The reward of a step is the reward of the cell entered.
 *
 * Episodes always last `horizon` steps: reaching the goal or a hole does NOT end the episode
 * (the agent stays and keeps earning +1 / -1 per step, as in the paper), so `terminated` is
 * always false and `truncated` becomes true on step `horizon`. That makes the exact J of
 * `model()` the expectation of the rollout return `sum_{t<H} gamma^t r_t`.
 */
export class FrozenLakeEnv
  implements
    TaskEnv<FrozenLakeTask, number, number, FrozenLakeInfo>,
    VectorizableEnv<FrozenLakeTask>
{
  readonly actionSpace = new Discrete(4);
  readonly observationSpace: Discrete;
  readonly gamma: number;
  readonly horizon: number;
  readonly flatObsSize = 1;
  readonly flatActionSize = 1;

  private layout: Layout;
  private currentTask: FrozenLakeTask;
  private readonly rng: Rng;
  private state = 0;
  private t = 0;
  private lastAction = -1;
  private status: Status = 'needs-reset';

  constructor(task: FrozenLakeTask, options: FrozenLakeEnvOptions = {}) {
    this.currentTask = validateTask(task);
    this.layout = new Layout(this.currentTask);
    this.observationSpace = new Discrete(this.layout.nStates);
    this.gamma = options.gamma ?? 0.8;
    this.horizon = options.horizon ?? 49;
    checkEpisodeSettings(this.gamma, this.horizon, 'FrozenLakeEnv');
    this.rng = new Rng(options.seed ?? 0);
  }

  /** The current task (plain JSON). */
  get task(): FrozenLakeTask {
    return this.currentTask;
  }

  /** Rows x columns of the grid. */
  get shape(): readonly [number, number] {
    return [this.layout.nrow, this.layout.ncol];
  }

  /** Switches to another map of the same shape; call `reset` next. */
  setTask(task: FrozenLakeTask): void {
    this.assertOpen('setTask');
    const valid = validateTask(task);
    const layout = new Layout(valid);
    if (layout.nrow !== this.layout.nrow || layout.ncol !== this.layout.ncol) {
      throw new EnvError(
        `FrozenLake.setTask: task.map is ${layout.nrow}x${layout.ncol} but this env is ${this.layout.nrow}x${this.layout.ncol}; make a new env for another size`,
      );
    }
    this.currentTask = valid;
    this.layout = layout;
    this.status = 'needs-reset';
  }

  /** The exact tabular model of the current task (float64; see `@bomrl/envs/tabular`). */
  model(): TabularModel {
    return this.layout.model(this.gamma, this.horizon);
  }

  reset(options: ResetOptions = {}): ResetResult<number, FrozenLakeInfo> {
    this.resetState(options.seed);
    return { obs: this.state, info: this.info() };
  }

  step(action: number): StepResult<number, FrozenLakeInfo> {
    const reward = this.advance(action);
    return {
      obs: this.state,
      reward,
      terminated: false,
      truncated: this.status === 'ended',
      info: this.info(),
    };
  }

  resetFlat(seed: number | undefined, obs: Float32Array, obsOffset: number): void {
    this.resetState(seed);
    obs[obsOffset] = this.state;
  }

  stepFlat(
    actions: ArrayLike<number>,
    actOffset: number,
    obs: Float32Array,
    obsOffset: number,
    out: FlatStep,
  ): void {
    out.reward = this.advance(actions[actOffset] as number);
    out.terminated = false;
    out.truncated = this.status === 'ended';
    obs[obsOffset] = this.state;
  }

  /** The map with the agent drawn as '@', under a status line. */
  render(): string {
    const { ncol } = this.layout;
    const r = Math.floor(this.state / ncol);
    const c = this.state % ncol;
    const rows = this.currentTask.map.map((row, i) =>
      i === r && this.status !== 'needs-reset' ? `${row.slice(0, c)}@${row.slice(c + 1)}` : row,
    );
    const last = this.lastAction >= 0 ? `, last action ${ACTION_NAMES[this.lastAction]}` : '';
    const head =
      this.status === 'needs-reset'
        ? 'not reset'
        : `step ${this.t}/${this.horizon}, state ${this.state} (row ${r}, col ${c}) on '${this.layout.cells[this.state]}'${last}`;
    return `${head}\n${rows.join('\n')}`;
  }

  close(): void {
    this.status = 'closed';
  }

  private resetState(seed: number | undefined): void {
    this.assertOpen('reset');
    if (seed !== undefined) this.rng.seed(seed);
    this.state = this.layout.start;
    this.t = 0;
    this.lastAction = -1;
    this.status = 'running';
  }

  private advance(action: number): number {
    if (this.status !== 'running') {
      if (this.status === 'closed') this.assertOpen('step');
      throw new EnvError(
        this.status === 'ended'
          ? `FrozenLake.step: the episode ended (truncated at horizon ${this.horizon}); call reset() before stepping again`
          : 'FrozenLake.step: call reset() before the first step (and after setTask)',
      );
    }
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= 4) {
      throw new EnvError(
        typeof action === 'number'
          ? `FrozenLake.step: action ${action} is out of range; expected an integer in [0, 4) (0 Left, 1 Down, 2 Right, 3 Up)`
          : `FrozenLake.step: action must be a number (an integer in [0, 4)), got ${describeValue(action)}`,
      );
    }
    const next = this.layout.sampleNext(this.state, action, this.rng);
    this.state = next;
    this.lastAction = action;
    this.t++;
    if (this.t >= this.horizon) this.status = 'ended';
    return this.layout.enterReward[next] as number;
  }

  private info(): FrozenLakeInfo {
    const { ncol } = this.layout;
    return {
      t: this.t,
      row: Math.floor(this.state / ncol),
      col: this.state % ncol,
      cell: this.layout.cells[this.state] as Cell,
      absorbing: this.layout.absorbing[this.state] === 1,
    };
  }

  private assertOpen(method: string): void {
    if (this.status === 'closed')
      throw new EnvError(`FrozenLake.${method}: the env is closed; make a new one`);
  }
}

/** Throws unless gamma is in [0, 1] and horizon a positive integer. */
export function checkEpisodeSettings(gamma: number, horizon: number, where: string): void {
  if (typeof gamma !== 'number' || !(gamma >= 0 && gamma <= 1)) {
    throw new EnvError(`${where}: gamma must be a number in [0, 1], got ${describeValue(gamma)}`);
  }
  if (!Number.isInteger(horizon) || horizon <= 0) {
    throw new EnvError(
      `${where}: horizon must be a positive integer, got ${describeValue(horizon)}`,
    );
  }
}
