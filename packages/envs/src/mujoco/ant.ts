import type { Rng } from '../rng';
import {
  LocomotionEnv,
  LocomotionFamily,
  type LocomotionOptions,
  type RobotSpec,
} from './locomotion';
import { ANT_XML } from './models';
import { loadMuJoCo, type MuJoCo } from './runtime';
import {
  type DirectionTask,
  type VelocityTask,
  validateDirectionTask,
  validateVelocityTask,
} from './tasks';

/** Control-cost coefficient of both Ant families: reward -= 0.005 ||a||^2. */
export const ANT_CTRL_COST = 0.005;
/** Contact-cost coefficient: reward -= 5e-4 * sum(clip(cfrc_ext, -1, 1)^2). */
export const ANT_CONTACT_COST = 5e-4;
/** Survive bonus added every step (also on the step that terminates, as in Gym's Ant). */
export const ANT_SURVIVE_BONUS = 1;
/** The torso is healthy while its height z is in [0.2, 1.0] (and the state is finite). */
export const ANT_HEALTHY_Z: readonly [number, number] = [0.2, 1.0];
/** AntVel samples goal velocities v* ~ U[0, 3] (m/s). */
export const ANT_VELOCITY_RANGE: readonly [number, number] = [0, 3];

const SPEC: RobotSpec = {
  name: 'Ant',
  xml: ANT_XML,
  // Observation 27 = qpos[2:] (torso z, orientation quaternion, 8 joint angles) + qvel (14);
  // x, y are left out (position-invariant policy) and so are the contact forces.
  obsQposStart: 2,
  ctrlCostWeight: ANT_CTRL_COST,
  quaternionAt: 3,
};

/**
 * What Ant adds to the shared machinery: the contact cost (from MuJoCo's external contact forces
 * on each body), the survive bonus and the healthy-height termination.
 */
abstract class AntBase<Task> extends LocomotionEnv<Task> {
  /**
   * The contact cost of the current state. MuJoCo computes `cfrc_ext` only inside
   * `mj_rnePostConstraint` (called by `mj_step` solely when a sensor needs it, which is why Gym's
   * Ant famously saw all zeros with MuJoCo 2), so we call it explicitly once per env step.
   */
  protected contactCost(): number {
    this.mujoco.mj_rnePostConstraint(this.model, this.data);
    const f = this.data.cfrc_ext as Float64Array;
    let sum = 0;
    for (let i = 0; i < f.length; i++) {
      const v = f[i] as number;
      const c = Math.min(Math.max(v, -1), 1);
      sum += c * c;
    }
    return ANT_CONTACT_COST * sum;
  }

  /** Adds contact cost and survive bonus to the task reward `rewardTask`, recording the terms. */
  protected total(rewardTask: number, ctrlCost: number): number {
    const contactCost = this.contactCost();
    this.terms.rewardTask = rewardTask;
    this.terms.contactCost = contactCost;
    this.terms.survive = ANT_SURVIVE_BONUS;
    return rewardTask + ANT_SURVIVE_BONUS - ctrlCost - contactCost;
  }

  /** Terminated when the torso height leaves [0.2, 1.0] or the state is not finite. */
  protected override isTerminal(): boolean {
    const z = this.qposAt(2);
    return !(z >= ANT_HEALTHY_Z[0] && z <= ANT_HEALTHY_Z[1] && this.stateIsFinite());
  }
}

/**
 * Ant goal velocity: reward = -|v_x - v*| + 1 - 0.005 ||a||^2 - contact cost, v* ~ U[0, 3], with
 * v_x = (x_after - x_before) / 0.05 of the torso. Terminates when the torso leaves z in
 * [0.2, 1.0]. Observation 27 = qpos[2:] + qvel; action 8 floats in [-1, 1].
 */
export class AntVel extends AntBase<VelocityTask> {
  static readonly familyName = 'ant-vel';

  constructor(
    mujoco: MuJoCo,
    task: VelocityTask = { velocity: 1 },
    options: LocomotionOptions = {},
  ) {
    super(mujoco, SPEC, task, options);
  }

  /** Loads MuJoCo (once per process) and creates an env on `task`. */
  static async create(task?: VelocityTask, options?: LocomotionOptions): Promise<AntVel> {
    return new AntVel(await loadMuJoCo(), task, options);
  }

  /** Loads MuJoCo (once per process) and returns the family (v* ~ U[0, 3]). */
  static async family(
    options: { horizon?: number } = {},
  ): Promise<LocomotionFamily<VelocityTask, AntVel>> {
    return new LocomotionFamily(await loadMuJoCo(), ANT_VEL_DEFINITION, options);
  }

  override validateTask(task: unknown): VelocityTask {
    return validateVelocityTask(AntVel.familyName, task);
  }

  protected override reward(task: VelocityTask, xVelocity: number, ctrlCost: number): number {
    return this.total(-Math.abs(xVelocity - task.velocity), ctrlCost);
  }
}

/**
 * Ant goal direction: reward = d * v_x + 1 - 0.005 ||a||^2 - contact cost with d in {-1, +1};
 * otherwise as {@link AntVel}.
 */
export class AntDir extends AntBase<DirectionTask> {
  static readonly familyName = 'ant-dir';

  constructor(
    mujoco: MuJoCo,
    task: DirectionTask = { direction: 1 },
    options: LocomotionOptions = {},
  ) {
    super(mujoco, SPEC, task, options);
  }

  /** Loads MuJoCo (once per process) and creates an env on `task`. */
  static async create(task?: DirectionTask, options?: LocomotionOptions): Promise<AntDir> {
    return new AntDir(await loadMuJoCo(), task, options);
  }

  /** Loads MuJoCo (once per process) and returns the family (d = +1 or -1, each with probability 1/2). */
  static async family(
    options: { horizon?: number } = {},
  ): Promise<LocomotionFamily<DirectionTask, AntDir>> {
    return new LocomotionFamily(await loadMuJoCo(), ANT_DIR_DEFINITION, options);
  }

  override validateTask(task: unknown): DirectionTask {
    return validateDirectionTask(AntDir.familyName, task);
  }

  protected override reward(task: DirectionTask, xVelocity: number, ctrlCost: number): number {
    return this.total(task.direction * xVelocity, ctrlCost);
  }
}

/** Family definition of {@link AntVel}. */
export const ANT_VEL_DEFINITION = {
  name: AntVel.familyName,
  sample: (rng: Rng): VelocityTask => ({
    velocity: rng.uniform(ANT_VELOCITY_RANGE[0], ANT_VELOCITY_RANGE[1]),
  }),
  validate: (task: unknown) => validateVelocityTask(AntVel.familyName, task),
  create: (mujoco: MuJoCo, task: VelocityTask, options: LocomotionOptions) =>
    new AntVel(mujoco, task, options),
};

/** Family definition of {@link AntDir}. */
export const ANT_DIR_DEFINITION = {
  name: AntDir.familyName,
  sample: (rng: Rng): DirectionTask => ({ direction: rng.int(2) === 0 ? -1 : 1 }),
  validate: (task: unknown) => validateDirectionTask(AntDir.familyName, task),
  create: (mujoco: MuJoCo, task: DirectionTask, options: LocomotionOptions) =>
    new AntDir(mujoco, task, options),
};
