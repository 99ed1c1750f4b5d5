import { describe, expect, it } from 'vitest';
import { EnvError } from '../errors';
import { Rng } from '../rng';
import { makeVector } from '../vector';
import { HalfCheetahDir, HalfCheetahVel } from './half-cheetah';
import { loadMuJoCo } from './runtime';

const sumSq = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v * v, 0);

function randomAction(rng: Rng, n = 6): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1.2, 1.2); // a bit outside [-1, 1] on purpose
  return a;
}

describe('HalfCheetah families', () => {
  it('has the documented spaces, horizon and dt', async () => {
    const env = await HalfCheetahVel.create({ velocity: 1 });
    expect(env.observationSpace.shape).toEqual([17]);
    expect(env.actionSpace.shape).toEqual([6]);
    expect(Array.from(env.actionSpace.low)).toEqual(Array(6).fill(-1));
    expect(Array.from(env.actionSpace.high)).toEqual(Array(6).fill(1));
    expect(env.horizon).toBe(200);
    expect(env.dt).toBeCloseTo(0.05, 15);
    const { obs } = env.reset({ seed: 3 });
    const { qpos, qvel } = env.getState();
    // Observation = qpos[1:] + qvel (as float32).
    expect(Array.from(obs)).toEqual(Array.from(Float32Array.from([...qpos.slice(1), ...qvel])));
    env.close();
  });

  it('with zero action stays finite for 1000 steps and comes to rest upright', async () => {
    const env = await HalfCheetahVel.create({ velocity: 0 }, { horizon: 1000 });
    env.reset({ seed: 0 });
    const zero = new Float32Array(6);
    let last = env.step(zero);
    for (let t = 1; t < 1000; t++) {
      last = env.step(zero);
      expect(Number.isFinite(last.reward)).toBe(true);
    }
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
    const { qpos, qvel } = env.getState();
    expect(Array.from(qpos).every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(qvel, Math.abs))).toBeLessThan(1e-3); // at rest
    expect(Math.abs(qpos[2] as number)).toBeLessThan(0.3); // rooty: not flipped, torso level
    expect(qpos[1] as number).toBeGreaterThan(-0.3); // rootz: standing on its feet (start 0.7 above)
    expect(Math.abs(last.info.xVelocity)).toBeLessThan(1e-3);
    env.close();
  });

  it('rewards match the formulas recomputed from recorded qpos, qvel and action', async () => {
    const mujoco = await loadMuJoCo();
    const vel = new HalfCheetahVel(mujoco, { velocity: 1.3 });
    const dir = new HalfCheetahDir(mujoco, { direction: -1 });
    const rng = new Rng(11);
    for (const env of [vel, dir]) {
      env.reset({ seed: 5 });
      for (let t = 0; t < 30; t++) {
        const a = randomAction(rng);
        const before = env.getState();
        const r = env.step(a);
        const after = env.getState();
        const vx = ((after.qpos[0] as number) - (before.qpos[0] as number)) / 0.05;
        const ctrl = 0.05 * sumSq(a);
        const expected =
          env instanceof HalfCheetahVel ? -Math.abs(vx - 1.3) - ctrl : -1 * vx - ctrl;
        expect(r.reward).toBeCloseTo(expected, 12);
        expect(r.info.xVelocity).toBeCloseTo(vx, 12);
        expect(r.info.ctrlCost).toBeCloseTo(ctrl, 12);
        expect(r.info.x).toBe(after.qpos[0]);
        expect(Array.from(r.obs)).toEqual(
          Array.from(Float32Array.from([...after.qpos.slice(1), ...after.qvel])),
        );
      }
    }
    vel.close();
    dir.close();
  });

  it('reset noise is qpos + U(-0.1, 0.1) and qvel + 0.1 N(0, 1) from the seed', async () => {
    const env = await HalfCheetahVel.create();
    env.reset({ seed: 42 });
    const { qpos, qvel } = env.getState();
    const rng = new Rng(42);
    const eq = Array.from({ length: 9 }, () => rng.uniform(-0.1, 0.1));
    const ev = Array.from({ length: 9 }, () => 0.1 * rng.normal());
    expect(Array.from(qpos)).toEqual(eq);
    expect(Array.from(qvel)).toEqual(ev);
    env.close();
  });

  it('the same seed reproduces the trajectory; another seed does not', async () => {
    const family = await HalfCheetahVel.family({ horizon: 50 });
    const [task] = family.sampleTasks(1, 3);
    const run = (seed: number) => {
      const env = family.make(task!, { seed: 0 });
      const rng = new Rng(9);
      const out: number[] = [...env.reset({ seed }).obs];
      for (let t = 0; t < 50; t++) {
        const r = env.step(randomAction(rng));
        out.push(...r.obs, r.reward);
      }
      env.close();
      return out;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('vector stepping (the package VectorEnv over stepFlat) equals single stepping', async () => {
    const family = await HalfCheetahVel.family({ horizon: 25 });
    const tasks = [{ velocity: 0.5 }, { velocity: 1 }, { velocity: 2 }];
    const n = tasks.length;
    const vec = makeVector(family, tasks, { autoReset: true });
    const single = tasks.map((t, i) => family.make(t, { seed: i }));
    const obs = vec.reset({ seed: 100 });
    single.forEach((env, i) => {
      expect(Array.from(env.reset({ seed: 100 + i }).obs)).toEqual(
        Array.from(obs.subarray(i * 17, (i + 1) * 17)),
      );
    });
    const actions = new Float32Array(n * 6);
    const rng = new Rng(4);
    // 60 steps cross two episode boundaries (horizon 25), so auto-reset is covered too.
    for (let t = 0; t < 60; t++) {
      for (let k = 0; k < actions.length; k++) actions[k] = rng.uniform(-1, 1);
      const out = vec.step(actions);
      for (let i = 0; i < n; i++) {
        const env = single[i]!;
        const r = env.step(actions.subarray(i * 6, (i + 1) * 6));
        expect(out.rewards[i]).toBe(Math.fround(r.reward));
        expect(out.truncated[i]).toBe(r.truncated ? 1 : 0);
        const last = r.truncated ? out.finalObs : out.obs;
        expect(Array.from(last.subarray(i * 17, (i + 1) * 17))).toEqual(Array.from(r.obs));
        if (r.truncated) {
          // Auto-reset continues the copy's own generator stream, like reset() without a seed.
          expect(Array.from(out.obs.subarray(i * 17, (i + 1) * 17))).toEqual(
            Array.from(env.reset().obs),
          );
        }
      }
    }
    vec.close();
    single.forEach((e) => e.close());
  });

  it('samples tasks from the documented distributions', async () => {
    const vel = await HalfCheetahVel.family();
    const dir = await HalfCheetahDir.family();
    const vs = vel.sampleTasks(500, 1).map((t) => t.velocity);
    expect(Math.min(...vs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...vs)).toBeLessThan(2);
    expect(vs.reduce((a, b) => a + b, 0) / vs.length).toBeCloseTo(1, 1);
    const ds = dir.sampleTasks(200, 1).map((t) => t.direction);
    expect(new Set(ds)).toEqual(new Set([-1, 1]));
    expect(vel.sampleTasks(5, 7)).toEqual(vel.sampleTasks(5, 7));
    expect(JSON.parse(JSON.stringify(vel.sampleTasks(2, 7)))).toEqual(vel.sampleTasks(2, 7));
    expect(vel.observationSpace.shape).toEqual([17]);
    expect(vel.horizon).toBe(200);
  });

  it('enforces the contract: reset first, task validation, action shape, closed env', async () => {
    const env = await HalfCheetahDir.create({ direction: 1 }, { horizon: 2 });
    expect(() => env.step(new Float32Array(6))).toThrow(EnvError);
    env.reset();
    expect(() => env.step(new Float32Array(5))).toThrow(EnvError);
    expect(() => env.step([0, 0, 0, 0, 0, Number.NaN])).toThrow(EnvError);
    env.step(new Float32Array(6));
    expect(env.step(new Float32Array(6)).truncated).toBe(true);
    expect(() => env.step(new Float32Array(6))).toThrow(/reset/);
    expect(() => env.setTask({ direction: 0 } as never)).toThrow(EnvError);
    env.setTask({ direction: -1 });
    expect(env.task).toEqual({ direction: -1 });
    expect(() => env.step(new Float32Array(6))).toThrow(/reset/);
    expect(env.render()).toMatch(/^HalfCheetah t=2 x=/);
    env.close();
    env.close(); // idempotent
    expect(() => env.reset()).toThrow(/closed/);
  });

  it('frees models and data: the WebAssembly heap stops growing', async () => {
    const mujoco = await loadMuJoCo();
    const zero = new Float32Array(6);
    const cycle = () => {
      const env = new HalfCheetahVel(mujoco, { velocity: 1 }, { horizon: 5 });
      for (let e = 0; e < 5; e++) {
        env.reset();
        for (let t = 0; t < 5; t++) env.step(zero);
      }
      const bytes = env.wasmHeapBytes();
      env.close();
      return bytes;
    };
    for (let i = 0; i < 20; i++) cycle(); // warm-up: the allocator settles
    const warm = cycle();
    for (let i = 0; i < 200; i++) cycle();
    // A leaked model + data is hundreds of KiB, so 200 leaked cycles would grow the heap by tens
    // of MiB. Allow one allocator growth step (the heap only grows in whole 64 KiB pages, and a
    // busy machine can shift when JS-side finalizers run), not a leak.
    expect(cycle() - warm).toBeLessThanOrEqual(1 << 20);
  }, 120_000); // 2000+ MuJoCo steps and model builds: seconds on a loaded machine
});
