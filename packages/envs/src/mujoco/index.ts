/**
 * `@bomrl/envs/mujoco`: the MuJoCo locomotion meta-RL families (HalfCheetahVel, HalfCheetahDir,
 * AntVel, AntDir) on the official MuJoCo WebAssembly build. A separate entry point so that users
 * of the tabular families never load MuJoCo.
 *
 * @example
 * ```ts
 * import { HalfCheetahVel } from '@bomrl/envs/mujoco';
 * const family = await HalfCheetahVel.family();        // loads MuJoCo once per process
 * const [task] = family.sampleTasks(1, 7);             // { velocity: 1.23 }
 * const env = family.make(task!, { seed: 1 });
 * let { obs } = env.reset();
 * const { reward } = env.step(new Float32Array(6));
 * env.close();                                         // frees the WebAssembly model and data
 * ```
 * @packageDocumentation
 */
export {
  ANT_CONTACT_COST,
  ANT_CTRL_COST,
  ANT_HEALTHY_Z,
  ANT_SURVIVE_BONUS,
  ANT_VELOCITY_RANGE,
  AntDir,
  AntVel,
} from './ant';
export {
  HALF_CHEETAH_CTRL_COST,
  HALF_CHEETAH_VELOCITY_RANGE,
  HalfCheetahDir,
  HalfCheetahVel,
} from './half-cheetah';
export {
  DEFAULT_HORIZON,
  FRAME_SKIP,
  LocomotionEnv,
  LocomotionFamily,
  type LocomotionInfo,
  type LocomotionOptions,
  RESET_NOISE,
  type SimState,
} from './locomotion';
export { ANT_XML, HALF_CHEETAH_XML } from './models';
export { loadMuJoCo, type MuJoCo, wasmHeapBytes } from './runtime';
export { type RolloutSvgOptions, recordRolloutSvg, renderRolloutSvg } from './svg';
export type { DirectionTask, VelocityTask } from './tasks';
