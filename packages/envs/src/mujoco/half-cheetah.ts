import type { Rng } from '../rng';
import {
  LocomotionEnv,
  LocomotionFamily,
  type LocomotionOptions,
  type RobotSpec,
} from './locomotion';
import { HALF_CHEETAH_XML } from './models';
import { loadMuJoCo, type MuJoCo } from './runtime';
import {
  type DirectionTask,
  type VelocityTask,
  validateDirectionTask,
  validateVelocityTask,
} from './tasks';

/** Control-cost coefficient of both HalfCheetah families: reward -= 0.05 ||a||^2. */
export const HALF_CHEETAH_CTRL_COST = 0.05;
/** HalfCheetahVel samples goal velocities v* ~ U[0, 2] (m/s). */
export const HALF_CHEETAH_VELOCITY_RANGE: readonly [number, number] = [0, 2];

const SPEC: RobotSpec = {
  name: 'HalfCheetah',
  xml: HALF_CHEETAH_XML,
  // Observation 17 = qpos[1:] (all but the root x, so the policy cannot see where it is) + qvel.
  obsQposStart: 1,
  ctrlCostWeight: HALF_CHEETAH_CTRL_COST,
};

/**
 * HalfCheetah goal velocity: reward = -|v_x - v*| - 0.05 ||a||^2, with v_x the mean forward
 * velocity over the env step, (x_after - x_before) / 0.05. Never terminates; truncated at the
 * horizon (200 by default). Observation 17 floats = qpos[1:] + qvel; action 6 floats in [-1, 1].
 *
 * Creating one needs the loaded MuJoCo module: `await HalfCheetahVel.create(task)`, or
 * `new HalfCheetahVel(await loadMuJoCo(), task)`.
 */
export class HalfCheetahVel extends LocomotionEnv<VelocityTask> {
  static readonly familyName = 'half-cheetah-vel';

  constructor(
    mujoco: MuJoCo,
    task: VelocityTask = { velocity: 1 },
    options: LocomotionOptions = {},
  ) {
    super(mujoco, SPEC, task, options);
  }

  /** Loads MuJoCo (once per process) and creates an env on `task`. */
  static async create(task?: VelocityTask, options?: LocomotionOptions): Promise<HalfCheetahVel> {
    return new HalfCheetahVel(await loadMuJoCo(), task, options);
  }

  /** Loads MuJoCo (once per process) and returns the family (v* ~ U[0, 2]). */
  static async family(
    options: { horizon?: number } = {},
  ): Promise<LocomotionFamily<VelocityTask, HalfCheetahVel>> {
    return new LocomotionFamily(await loadMuJoCo(), HALF_CHEETAH_VEL_DEFINITION, options);
  }

  override validateTask(task: unknown): VelocityTask {
    return validateVelocityTask(HalfCheetahVel.familyName, task);
  }

  protected override reward(task: VelocityTask, xVelocity: number, ctrlCost: number): number {
    const rewardTask = -Math.abs(xVelocity - task.velocity);
    this.terms.rewardTask = rewardTask;
    return rewardTask - ctrlCost;
  }
}

/**
 * HalfCheetah goal direction: reward = d * v_x - 0.05 ||a||^2 with d in {-1, +1} and v_x as in
 * {@link HalfCheetahVel}. Same observation, action, horizon.
 */
export class HalfCheetahDir extends LocomotionEnv<DirectionTask> {
  static readonly familyName = 'half-cheetah-dir';

  constructor(
    mujoco: MuJoCo,
    task: DirectionTask = { direction: 1 },
    options: LocomotionOptions = {},
  ) {
    super(mujoco, SPEC, task, options);
  }

  /** Loads MuJoCo (once per process) and creates an env on `task`. */
  static async create(task?: DirectionTask, options?: LocomotionOptions): Promise<HalfCheetahDir> {
    return new HalfCheetahDir(await loadMuJoCo(), task, options);
  }

  /** Loads MuJoCo (once per process) and returns the family (d = +1 or -1, each with probability 1/2). */
  static async family(
    options: { horizon?: number } = {},
  ): Promise<LocomotionFamily<DirectionTask, HalfCheetahDir>> {
    return new LocomotionFamily(await loadMuJoCo(), HALF_CHEETAH_DIR_DEFINITION, options);
  }

  override validateTask(task: unknown): DirectionTask {
    return validateDirectionTask(HalfCheetahDir.familyName, task);
  }

  protected override reward(task: DirectionTask, xVelocity: number, ctrlCost: number): number {
    const rewardTask = task.direction * xVelocity;
    this.terms.rewardTask = rewardTask;
    return rewardTask - ctrlCost;
  }
}

/** Family definition of {@link HalfCheetahVel}. */
export const HALF_CHEETAH_VEL_DEFINITION = {
  name: HalfCheetahVel.familyName,
  sample: (rng: Rng): VelocityTask => ({
    velocity: rng.uniform(HALF_CHEETAH_VELOCITY_RANGE[0], HALF_CHEETAH_VELOCITY_RANGE[1]),
  }),
  validate: (task: unknown) => validateVelocityTask(HalfCheetahVel.familyName, task),
  create: (mujoco: MuJoCo, task: VelocityTask, options: LocomotionOptions) =>
    new HalfCheetahVel(mujoco, task, options),
};

/** Family definition of {@link HalfCheetahDir}. */
export const HALF_CHEETAH_DIR_DEFINITION = {
  name: HalfCheetahDir.familyName,
  sample: (rng: Rng): DirectionTask => ({ direction: rng.int(2) === 0 ? -1 : 1 }),
  validate: (task: unknown) => validateDirectionTask(HalfCheetahDir.familyName, task),
  create: (mujoco: MuJoCo, task: DirectionTask, options: LocomotionOptions) =>
    new HalfCheetahDir(mujoco, task, options),
};
