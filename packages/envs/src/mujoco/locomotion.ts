import type {
  FlatStep,
  ResetOptions,
  ResetResult,
  StepResult,
  TaskFamily,
  VectorizableEnv,
} from '../env';
import { describeValue, EnvError } from '../errors';
import { Rng } from '../rng';
import { Box } from '../spaces';
import { compileModel, type MjData, type MjModel, type MuJoCo, wasmHeapBytes } from './runtime';

/** Default episode length of every MuJoCo family (the paper's horizon 200, docs/algorithm.md#the-papers-settings). */
export const DEFAULT_HORIZON = 200;
/** Physics steps per environment step (dt = 0.01 * 5 = 0.05 s per env step). */
export const FRAME_SKIP = 5;
/** Reset noise: qpos += U(-0.1, 0.1), qvel += 0.1 * N(0, 1). */
export const RESET_NOISE = 0.1;

/** Options shared by every MuJoCo environment and family. */
export interface LocomotionOptions {
  /** Env steps per episode before `truncated` (default {@link DEFAULT_HORIZON}). */
  horizon?: number;
  /** Seed of the env's generator (reset noise) until `reset({ seed })` re-seeds it (default 0). */
  seed?: number;
}

/**
 * The `info` of a MuJoCo step: every term of the reward, so a trainer can log them and a test
 * can recompute the reward. All terms are as they enter the reward (costs are positive numbers
 * that are subtracted).
 */
export type LocomotionInfo = {
  /** Root x position after the step (m). */
  x: number;
  /** (x_after - x_before) / dt with dt = 0.05: the mean forward velocity over the env step. */
  xVelocity: number;
  /** The task term: -|v_x - v*| (velocity tasks) or d * v_x (direction tasks). */
  rewardTask: number;
  /** Control cost, coefficient * ||a||^2 on the action as given (before clipping). */
  ctrlCost: number;
  /** Contact cost (Ant only; 0 for HalfCheetah). */
  contactCost: number;
  /** Survive bonus (Ant only; 0 for HalfCheetah). */
  survive: number;
};

/** A copy of the simulator state (float64, MuJoCo's own precision). */
export interface SimState {
  qpos: Float64Array;
  qvel: Float64Array;
}

/** What a concrete robot contributes: its model, observation layout and reward terms. */
export interface RobotSpec {
  /** Name used in messages, e.g. `'HalfCheetah'`. */
  readonly name: string;
  readonly xml: string;
  /** First qpos index in the observation (the rest of qpos, then all of qvel). */
  readonly obsQposStart: number;
  /** Control-cost coefficient on ||a||^2. */
  readonly ctrlCostWeight: number;
  /** Index range of a free-joint quaternion in qpos to renormalize after reset noise, if any. */
  readonly quaternionAt?: number;
}

/**
 * Shared machinery of the MuJoCo locomotion environments: one MjModel + MjData per env, frame
 * skip, seeded reset noise, the Gymnasium contract and the allocation-free flat protocol the
 * package's `VectorEnv` drives. Subclasses supply only the task-dependent reward and termination.
 *
 * Resource hygiene: the model and data live on the WebAssembly heap, which JavaScript's garbage
 * collector does not see; {@link close} frees both (call it, or the heap leaks).
 */
export abstract class LocomotionEnv<Task> implements VectorizableEnv<Task> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly horizon: number;
  readonly flatObsSize: number;
  readonly flatActionSize: number;
  /** Seconds per env step: timestep * {@link FRAME_SKIP}. */
  readonly dt: number;
  /** Physics steps per env step. */
  readonly frameSkip = FRAME_SKIP;

  protected readonly mujoco: MuJoCo;
  protected readonly model: MjModel;
  protected readonly data: MjData;
  protected readonly spec: RobotSpec;
  protected readonly nq: number;
  protected readonly nv: number;
  protected readonly nu: number;
  /** Scratch for the reward terms of the last step (reused: the flat path allocates nothing). */
  protected readonly terms: LocomotionInfo = {
    x: 0,
    xVelocity: 0,
    rewardTask: 0,
    ctrlCost: 0,
    contactCost: 0,
    survive: 0,
  };

  // Live views into WebAssembly memory. They become detached (length 0) whenever the heap grows
  // (e.g. another env is created), so every entry point re-fetches them if needed.
  private qposView: Float64Array;
  private qvelView: Float64Array;
  private ctrlView: Float64Array;
  private readonly qpos0: Float64Array;
  private readonly ctrlLow: Float64Array;
  private readonly ctrlHigh: Float64Array;
  private readonly rng: Rng;
  private currentTask: Task;
  private t = 0;
  private needsReset = true;
  private closed = false;

  protected constructor(
    mujoco: MuJoCo,
    spec: RobotSpec,
    task: Task,
    options: LocomotionOptions = {},
  ) {
    const horizon = options.horizon ?? DEFAULT_HORIZON;
    if (!Number.isInteger(horizon) || horizon <= 0) {
      throw new EnvError(
        `${spec.name}: horizon must be a positive integer, got ${describeValue(horizon)}`,
      );
    }
    this.horizon = horizon;
    this.mujoco = mujoco;
    this.spec = spec;
    this.rng = new Rng(options.seed ?? 0);
    this.currentTask = this.validateTask(task);
    this.model = compileModel(mujoco, spec.xml, spec.name);
    try {
      this.data = new mujoco.MjData(this.model);
    } catch (error) {
      this.model.delete();
      throw error;
    }
    const m = this.model;
    this.nq = m.nq;
    this.nv = m.nv;
    this.nu = m.nu;
    this.dt = m.opt.timestep * FRAME_SKIP;
    this.qpos0 = Float64Array.from(m.qpos0 as Float64Array);
    const range = m.actuator_ctrlrange as Float64Array;
    this.ctrlLow = new Float64Array(this.nu);
    this.ctrlHigh = new Float64Array(this.nu);
    for (let i = 0; i < this.nu; i++) {
      this.ctrlLow[i] = range[2 * i] as number;
      this.ctrlHigh[i] = range[2 * i + 1] as number;
    }
    this.flatObsSize = this.nq - spec.obsQposStart + this.nv;
    this.flatActionSize = this.nu;
    this.observationSpace = new Box(-Infinity, Infinity, [this.flatObsSize]);
    this.actionSpace = new Box(this.ctrlLow, this.ctrlHigh, [this.nu]);
    this.qposView = this.data.qpos as Float64Array;
    this.qvelView = this.data.qvel as Float64Array;
    this.ctrlView = this.data.ctrl as Float64Array;
  }

  /** Checks a task of this family and returns it typed; throws `EnvError` if invalid. */
  abstract validateTask(task: unknown): Task;

  /**
   * Computes the task reward from the step's velocity and action into {@link terms} and returns
   * the total reward. Runs after the physics steps.
   */
  protected abstract reward(task: Task, xVelocity: number, ctrlCost: number): number;

  /** Whether the state after a step ends the episode (default: never). */
  protected isTerminal(): boolean {
    return false;
  }

  /** The current task. */
  get task(): Task {
    return this.currentTask;
  }

  /** Switches the task; the next call must be `reset`. */
  setTask(task: Task): void {
    this.currentTask = this.validateTask(task);
    this.needsReset = true;
  }

  /** Env steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.t;
  }

  /**
   * Starts an episode: MuJoCo's reference pose (qpos0, zero velocity) plus the reset noise
   * qpos += U(-0.1, 0.1), qvel += 0.1 N(0, 1), drawn in that order from the env's generator.
   */
  reset(options: ResetOptions = {}): ResetResult<Float32Array, Record<string, never>> {
    const obs = new Float32Array(this.flatObsSize);
    this.resetFlat(options.seed, obs, 0);
    return { obs, info: {} };
  }

  /**
   * Advances {@link FRAME_SKIP} physics steps with `action` (clipped to the control range for the
   * physics; the control cost uses it as given) and returns the new observation and reward.
   */
  step(action: ArrayLike<number>): StepResult<Float32Array, LocomotionInfo> {
    if (action == null || typeof (action as { length?: unknown }).length !== 'number') {
      throw new EnvError(
        `${this.spec.name}.step: action must be an array of ${this.nu} numbers, got ${describeValue(action)}`,
      );
    }
    if (action.length !== this.nu) {
      throw new EnvError(
        `${this.spec.name}.step: action must have ${this.nu} elements, got ${action.length}`,
      );
    }
    const obs = new Float32Array(this.flatObsSize);
    const out: FlatStep = { reward: 0, terminated: false, truncated: false };
    this.stepFlat(action, 0, obs, 0, out);
    return {
      obs,
      reward: out.reward,
      terminated: out.terminated,
      truncated: out.truncated,
      info: { ...this.terms },
    };
  }

  /** Like {@link reset}, writing the observation into `obs[obsOffset ..]`. */
  resetFlat(seed: number | undefined, obs: Float32Array, obsOffset: number): void {
    this.assertOpen('reset');
    if (seed !== undefined) this.rng.seed(seed);
    this.refreshViews();
    const { mujoco, model, data, rng } = this;
    mujoco.mj_resetData(model, data);
    const qpos = this.qposView;
    const qvel = this.qvelView;
    for (let i = 0; i < this.nq; i++) {
      qpos[i] = (this.qpos0[i] as number) + rng.uniform(-RESET_NOISE, RESET_NOISE);
    }
    for (let i = 0; i < this.nv; i++) qvel[i] = RESET_NOISE * rng.normal();
    const q = this.spec.quaternionAt;
    if (q !== undefined) {
      // A noisy quaternion is not a rotation; MuJoCo would normalize it at the first integration
      // anyway, but then the first observation would show a non-rotation. Normalize up front.
      let n = 0;
      for (let i = q; i < q + 4; i++) n += (qpos[i] as number) ** 2;
      n = Math.sqrt(n);
      for (let i = q; i < q + 4; i++) qpos[i] = (qpos[i] as number) / n;
    }
    mujoco.mj_forward(model, data);
    this.t = 0;
    this.needsReset = false;
    this.writeObs(obs, obsOffset);
  }

  /** Like {@link step}, reading the action from `actions[actOffset ..]`; allocates nothing. */
  stepFlat(
    actions: ArrayLike<number>,
    actOffset: number,
    obs: Float32Array,
    obsOffset: number,
    out: FlatStep,
  ): void {
    this.assertOpen('step');
    if (this.needsReset) {
      throw new EnvError(
        `${this.spec.name}.step: call reset() first (before the first step, after setTask and after an episode ends)`,
      );
    }
    this.refreshViews();
    const ctrl = this.ctrlView;
    let sq = 0;
    for (let i = 0; i < this.nu; i++) {
      const a = actions[actOffset + i] as number;
      if (!Number.isFinite(a)) {
        throw new EnvError(
          `${this.spec.name}.step: action[${i}] must be a finite number, got ${describeValue(a)}`,
        );
      }
      sq += a * a;
      const lo = this.ctrlLow[i] as number;
      const hi = this.ctrlHigh[i] as number;
      ctrl[i] = Math.min(Math.max(a, lo), hi);
    }
    const { mujoco, model, data } = this;
    const xBefore = this.qposView[0] as number;
    for (let k = 0; k < FRAME_SKIP; k++) mujoco.mj_step(model, data);
    const xAfter = this.qposView[0] as number;
    const xVelocity = (xAfter - xBefore) / this.dt;
    const terms = this.terms;
    terms.x = xAfter;
    terms.xVelocity = xVelocity;
    terms.ctrlCost = this.spec.ctrlCostWeight * sq;
    terms.contactCost = 0;
    terms.survive = 0;
    out.reward = this.reward(this.currentTask, xVelocity, terms.ctrlCost);
    this.t++;
    out.terminated = this.isTerminal();
    out.truncated = !out.terminated && this.t >= this.horizon;
    if (out.terminated || out.truncated) this.needsReset = true;
    this.writeObs(obs, obsOffset);
  }

  /** A copy of the current qpos and qvel. */
  getState(): SimState {
    this.assertOpen('getState');
    this.refreshViews();
    return { qpos: Float64Array.from(this.qposView), qvel: Float64Array.from(this.qvelView) };
  }

  /**
   * Sets qpos and qvel (e.g. to replay a recorded state) and recomputes derived quantities. The
   * episode clock is kept; call `reset` to start a new episode.
   */
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    this.assertOpen('setState');
    if (qpos.length !== this.nq || qvel.length !== this.nv) {
      throw new EnvError(
        `${this.spec.name}.setState: expected qpos of ${this.nq} and qvel of ${this.nv} numbers, got ${qpos.length} and ${qvel.length}`,
      );
    }
    this.refreshViews();
    this.qposView.set(qpos);
    this.qvelView.set(qvel);
    this.mujoco.mj_forward(this.model, this.data);
  }

  /**
   * World positions of every body (nbody x 3, row-major, body 0 is the world) and the parent of
   * each body, for drawing. Computed from the current qpos (forward kinematics), so they are not
   * one physics step stale as MjData's own xpos is after `mj_step`.
   */
  bodyPositions(): { xpos: Float64Array; parent: Int32Array } {
    this.assertOpen('bodyPositions');
    this.mujoco.mj_kinematics(this.model, this.data);
    return {
      xpos: Float64Array.from(this.data.xpos as Float64Array),
      parent: Int32Array.from(this.model.body_parentid as Int32Array),
    };
  }

  /**
   * The capsule and sphere geoms of the robot in world coordinates (after forward kinematics),
   * for drawing: a capsule is the segment `from`-`to` with `radius`, a sphere has `from === to`.
   * The floor plane is left out.
   */
  geomSegments(): {
    from: [number, number, number];
    to: [number, number, number];
    radius: number;
    name: string;
  }[] {
    this.assertOpen('geomSegments');
    const { mujoco, model, data } = this;
    mujoco.mj_kinematics(model, data);
    const type = model.geom_type as Int32Array;
    const size = model.geom_size as Float64Array;
    const pos = data.geom_xpos as Float64Array;
    const mat = data.geom_xmat as Float64Array;
    const capsule = mujoco.mjtGeom.mjGEOM_CAPSULE.value;
    const sphere = mujoco.mjtGeom.mjGEOM_SPHERE.value;
    const out: {
      from: [number, number, number];
      to: [number, number, number];
      radius: number;
      name: string;
    }[] = [];
    for (let g = 0; g < model.ngeom; g++) {
      const kind = type[g];
      if (kind !== capsule && kind !== sphere) continue;
      const c = [pos[3 * g] as number, pos[3 * g + 1] as number, pos[3 * g + 2] as number] as const;
      // A capsule's half-length is size[1] along its local z axis (the third column of xmat).
      const h = kind === capsule ? (size[3 * g + 1] as number) : 0;
      const z = [
        mat[9 * g + 2] as number,
        mat[9 * g + 5] as number,
        mat[9 * g + 8] as number,
      ] as const;
      out.push({
        from: [c[0] - h * z[0], c[1] - h * z[1], c[2] - h * z[2]],
        to: [c[0] + h * z[0], c[1] + h * z[1], c[2] + h * z[2]],
        radius: size[3 * g] as number,
        name: mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_GEOM.value, g) || `geom${g}`,
      });
    }
    return out;
  }

  /** Bytes of WebAssembly memory in use by the whole MuJoCo module (constant once warmed up). */
  wasmHeapBytes(): number {
    this.assertOpen('wasmHeapBytes');
    return wasmHeapBytes(this.data);
  }

  /** A one-line text picture: time, root position and the current task. */
  render(): string {
    this.assertOpen('render');
    this.refreshViews();
    const q = this.qposView;
    return `${this.spec.name} t=${this.t} x=${(q[0] as number).toFixed(3)} task=${JSON.stringify(this.currentTask)}`;
  }

  /** Frees the MuJoCo model and data (idempotent); the env must not be used afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.data.delete();
    this.model.delete();
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The element of qpos at `i` (live). */
  protected qposAt(i: number): number {
    return this.qposView[i] as number;
  }

  /** Whether every qpos and qvel entry is finite. */
  protected stateIsFinite(): boolean {
    for (let i = 0; i < this.nq; i++)
      if (!Number.isFinite(this.qposView[i] as number)) return false;
    for (let i = 0; i < this.nv; i++)
      if (!Number.isFinite(this.qvelView[i] as number)) return false;
    return true;
  }

  private writeObs(obs: Float32Array, offset: number): void {
    const qpos = this.qposView;
    const qvel = this.qvelView;
    let k = offset;
    for (let i = this.spec.obsQposStart; i < this.nq; i++) obs[k++] = qpos[i] as number;
    for (let i = 0; i < this.nv; i++) obs[k++] = qvel[i] as number;
  }

  private refreshViews(): void {
    // A detached view has length 0: the heap grew since we fetched it.
    if (this.qposView.length === 0 || this.ctrlView.length === 0) {
      this.qposView = this.data.qpos as Float64Array;
      this.qvelView = this.data.qvel as Float64Array;
      this.ctrlView = this.data.ctrl as Float64Array;
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new EnvError(`${this.spec.name}.${what}: the environment was closed`);
  }
}

/** Definition of a family, from which {@link LocomotionFamily} builds the `TaskFamily`. */
export interface FamilyDefinition<Task, E extends LocomotionEnv<Task>> {
  readonly name: string;
  sample(rng: Rng): Task;
  validate(task: unknown): Task;
  create(mujoco: MuJoCo, task: Task, options: LocomotionOptions): E;
}

/**
 * A MuJoCo task family: samples tasks (plain JSON) and makes environments on them. Making an env
 * compiles a fresh model (a few ms), so samplers should make their envs once and `setTask`.
 */
export class LocomotionFamily<Task, E extends LocomotionEnv<Task>> implements TaskFamily<Task, E> {
  readonly name: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly horizon: number;

  constructor(
    /** The loaded module (see {@link loadMuJoCo}). */
    readonly mujoco: MuJoCo,
    private readonly definition: FamilyDefinition<Task, E>,
    private readonly options: { horizon?: number } = {},
  ) {
    this.name = definition.name;
    // Spaces come from a probe env (closed at once) so they are read from the model itself.
    const probe = definition.create(mujoco, definition.sample(new Rng(0)), options);
    this.observationSpace = probe.observationSpace;
    this.actionSpace = probe.actionSpace;
    this.horizon = probe.horizon;
    probe.close();
  }

  /** Draws `n` tasks; a number seeds a fresh generator. */
  sampleTasks(n: number, rng: number | Rng): Task[] {
    if (!Number.isInteger(n) || n < 0) {
      throw new EnvError(
        `${this.name}.sampleTasks: n must be a non-negative integer, got ${describeValue(n)}`,
      );
    }
    const r = Rng.from(rng);
    return Array.from({ length: n }, () => this.definition.sample(r));
  }

  /** Checks that `task` belongs to this family and returns it typed. */
  validateTask(task: unknown): Task {
    return this.definition.validate(task);
  }

  /** An environment on `task` (its generator seeded with `options.seed`, default 0). */
  make(task: Task, options: { seed?: number } = {}): E {
    return this.definition.create(this.mujoco, task, { ...this.options, ...options });
  }
}
