import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { ANT_CONTACT_COST, AntDir, AntVel } from './ant';
import { loadMuJoCo } from './runtime';

const sumSq = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v * v, 0);

function randomAction(rng: Rng, n = 8): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

describe('Ant families', () => {
  it('has the documented spaces and observation layout qpos[2:] + qvel', async () => {
    const env = await AntVel.create({ velocity: 2 });
    expect(env.observationSpace.shape).toEqual([27]);
    expect(env.actionSpace.shape).toEqual([8]);
    const { obs } = env.reset({ seed: 1 });
    const { qpos, qvel } = env.getState();
    expect(Array.from(obs)).toEqual(Array.from(Float32Array.from([...qpos.slice(2), ...qvel])));
    // The noisy quaternion is renormalized.
    expect(sumSq(qpos.slice(3, 7))).toBeCloseTo(1, 12);
    expect(qpos[2]).toBeGreaterThan(0.65);
    env.close();
  });

  it('with zero action stays finite and healthy for 1000 steps', async () => {
    const env = await AntDir.create({ direction: 1 }, { horizon: 1000 });
    env.reset({ seed: 0 });
    const zero = new Float32Array(8);
    let last = env.step(zero);
    for (let t = 1; t < 1000 && !last.terminated; t++) last = env.step(zero);
    expect(last.terminated).toBe(false);
    expect(last.truncated).toBe(true);
    const { qpos, qvel } = env.getState();
    expect([...qpos, ...qvel].every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(qvel, Math.abs))).toBeLessThan(1e-2);
    expect(qpos[2]).toBeGreaterThan(0.2);
    env.close();
  });

  it('rewards match the formulas recomputed from recorded qpos, action and contact forces', async () => {
    const mujoco = await loadMuJoCo();
    const rng = new Rng(3);
    let sawContact = false;
    for (const env of [
      new AntVel(mujoco, { velocity: 2.5 }),
      new AntDir(mujoco, { direction: -1 }),
    ]) {
      env.reset({ seed: 8 });
      for (let t = 0; t < 40; t++) {
        const a = randomAction(rng);
        const before = env.getState();
        const r = env.step(a);
        if (r.terminated) break;
        const after = env.getState();
        const vx = ((after.qpos[0] as number) - (before.qpos[0] as number)) / 0.05;
        const ctrl = 0.005 * sumSq(a);
        const task = env instanceof AntVel ? -Math.abs(vx - 2.5) : -vx;
        expect(r.info.xVelocity).toBeCloseTo(vx, 12);
        expect(r.info.ctrlCost).toBeCloseTo(ctrl, 12);
        expect(r.info.survive).toBe(1);
        expect(r.info.contactCost).toBeGreaterThanOrEqual(0);
        // Contact cost is bounded by its definition: 5e-4 * (14 bodies x 6 clipped components).
        expect(r.info.contactCost).toBeLessThanOrEqual(ANT_CONTACT_COST * 14 * 6);
        if (r.info.contactCost > 0) sawContact = true;
        expect(r.reward).toBeCloseTo(task + 1 - ctrl - r.info.contactCost, 12);
        expect(Array.from(r.obs)).toEqual(
          Array.from(Float32Array.from([...after.qpos.slice(2), ...after.qvel])),
        );
      }
      env.close();
    }
    expect(sawContact).toBe(true);
  });

  it('terminates when the torso leaves z in [0.2, 1.0]', async () => {
    const env = await AntVel.create();
    env.reset({ seed: 0 });
    const { qpos, qvel } = env.getState();
    qpos[2] = 3; // high up: the next step ends unhealthy
    env.setState(qpos, qvel);
    const r = env.step(new Float32Array(8));
    expect(r.terminated).toBe(true);
    expect(r.truncated).toBe(false);
    expect(() => env.step(new Float32Array(8))).toThrow(/reset/);
    env.close();
  });

  it('the same seed reproduces the trajectory', async () => {
    const family = await AntVel.family({ horizon: 30 });
    const [task] = family.sampleTasks(1, 5);
    expect(task!.velocity).toBeGreaterThanOrEqual(0);
    expect(task!.velocity).toBeLessThan(3);
    const run = () => {
      const env = family.make(task!, { seed: 12 });
      const rng = new Rng(1);
      const out: number[] = [...env.reset().obs];
      for (let t = 0; t < 30; t++) {
        const r = env.step(randomAction(rng));
        out.push(...r.obs, r.reward);
        if (r.terminated) break;
      }
      env.close();
      return out;
    };
    expect(run()).toEqual(run());
  });
});
