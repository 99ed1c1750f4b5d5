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
import { Box, isNumberArray } from '../spaces';
import { type Navigation2DTask, validateNavigationTask } from './task';

/** Extra information of a 2D navigation step. */
export interface Navigation2DInfo {
  readonly t: number;
  /** Euclidean distance from the (new) position to the goal. */
  readonly distance: number;
}

/** Settings of a {@link Navigation2DEnv}. */
export interface Navigation2DEnvOptions {
  /** Steps per episode (default 100). */
  horizon?: number;
  /** Unused by the deterministic dynamics; kept so every env takes a seed. */
  seed?: number;
}

/** Largest move per axis: actions are clipped to [-MAX_ACTION, MAX_ACTION]^2. */
export const MAX_ACTION = 0.1;
/** The episode terminates when |x - gx| < SUCCESS_RADIUS and |y - gy| < SUCCESS_RADIUS. */
export const SUCCESS_RADIUS = 0.01;

type Status = 'needs-reset' | 'running' | 'ended' | 'closed';

/**
 * A point robot in the plane (the MAML 2D navigation benchmark). Starts at (0, 0); an action
 * (dx, dy) is clipped to [-0.1, 0.1]^2 and added to the position; the reward is
 * -||position - goal||_2 measured at the NEW position; the episode terminates when the new
 * position is within 0.01 of the goal on both axes and is truncated after `horizon` steps.
 * Observation: the position as a Float32Array(2) (the state itself is kept in float64).
 */
export class Navigation2DEnv
  implements
    TaskEnv<Navigation2DTask, Float32Array, ArrayLike<number>, Navigation2DInfo>,
    VectorizableEnv<Navigation2DTask>
{
  readonly observationSpace = new Box(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, [2]);
  readonly actionSpace = new Box(-MAX_ACTION, MAX_ACTION, [2]);
  readonly horizon: number;
  readonly flatObsSize = 2;
  readonly flatActionSize = 2;

  private currentTask: Navigation2DTask;
  private readonly rng: Rng;
  private x = 0;
  private y = 0;
  private t = 0;
  private lastDistance = 0;
  private status: Status = 'needs-reset';

  constructor(task: Navigation2DTask, options: Navigation2DEnvOptions = {}) {
    this.currentTask = validateNavigationTask(task);
    this.horizon = options.horizon ?? 100;
    if (!Number.isInteger(this.horizon) || this.horizon <= 0) {
      throw new EnvError(
        `Navigation2D: horizon must be a positive integer, got ${describeValue(options.horizon)}`,
      );
    }
    this.rng = new Rng(options.seed ?? 0);
  }

  get task(): Navigation2DTask {
    return this.currentTask;
  }

  /** The current position (float64). */
  get position(): readonly [number, number] {
    return [this.x, this.y];
  }

  setTask(task: Navigation2DTask): void {
    this.assertOpen('setTask');
    this.currentTask = validateNavigationTask(task);
    this.status = 'needs-reset';
  }

  reset(options: ResetOptions = {}): ResetResult<Float32Array, Navigation2DInfo> {
    this.resetState(options.seed);
    return { obs: Float32Array.of(this.x, this.y), info: { t: 0, distance: this.lastDistance } };
  }

  /** `action` is any array of two finite numbers (number[], Float32Array, ...). */
  step(action: ArrayLike<number>): StepResult<Float32Array, Navigation2DInfo> {
    if (!isNumberArray(action) || action.length !== 2) {
      this.assertRunning();
      throw new EnvError(
        `Navigation2D.step: action must be an array of 2 numbers [dx, dy], got ${describeValue(action)}`,
      );
    }
    const flat: FlatStep = { reward: 0, terminated: false, truncated: false };
    const obs = new Float32Array(2);
    this.stepFlat(action, 0, obs, 0, flat);
    return { obs, ...flat, info: { t: this.t, distance: this.lastDistance } };
  }

  resetFlat(seed: number | undefined, obs: Float32Array, obsOffset: number): void {
    this.resetState(seed);
    obs[obsOffset] = this.x;
    obs[obsOffset + 1] = this.y;
  }

  stepFlat(
    actions: ArrayLike<number>,
    actOffset: number,
    obs: Float32Array,
    obsOffset: number,
    out: FlatStep,
  ): void {
    this.assertRunning();
    const ax = actions[actOffset] as number;
    const ay = actions[actOffset + 1] as number;
    if (!Number.isFinite(ax) || !Number.isFinite(ay)) {
      throw new EnvError(
        `Navigation2D.step: action [${ax}, ${ay}] must be two finite numbers (it is clipped to [-0.1, 0.1])`,
      );
    }
    this.x += Math.min(MAX_ACTION, Math.max(-MAX_ACTION, ax));
    this.y += Math.min(MAX_ACTION, Math.max(-MAX_ACTION, ay));
    this.t++;
    const dx = this.x - this.currentTask.goal[0];
    const dy = this.y - this.currentTask.goal[1];
    this.lastDistance = Math.hypot(dx, dy);
    out.reward = -this.lastDistance;
    out.terminated = Math.abs(dx) < SUCCESS_RADIUS && Math.abs(dy) < SUCCESS_RADIUS;
    out.truncated = !out.terminated && this.t >= this.horizon;
    if (out.terminated || out.truncated) this.status = 'ended';
    obs[obsOffset] = this.x;
    obs[obsOffset + 1] = this.y;
  }

  render(): string {
    const [gx, gy] = this.currentTask.goal;
    return `step ${this.t}/${this.horizon}, position (${this.x.toFixed(3)}, ${this.y.toFixed(3)}), goal (${gx.toFixed(3)}, ${gy.toFixed(3)}), distance ${this.lastDistance.toFixed(4)}`;
  }

  close(): void {
    this.status = 'closed';
  }

  private resetState(seed: number | undefined): void {
    this.assertOpen('reset');
    // The dynamics are deterministic; seeding is accepted for a uniform contract.
    if (seed !== undefined) this.rng.seed(seed);
    this.x = 0;
    this.y = 0;
    this.t = 0;
    this.lastDistance = Math.hypot(this.currentTask.goal[0], this.currentTask.goal[1]);
    this.status = 'running';
  }

  private assertRunning(): void {
    if (this.status === 'running') return;
    this.assertOpen('step');
    throw new EnvError(
      this.status === 'ended'
        ? 'Navigation2D.step: the episode ended (terminated or truncated); call reset() before stepping again'
        : 'Navigation2D.step: call reset() before the first step (and after setTask)',
    );
  }

  private assertOpen(method: string): void {
    if (this.status === 'closed')
      throw new EnvError(`Navigation2D.${method}: the env is closed; make a new one`);
  }
}
