import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANT_XML, HALF_CHEETAH_XML } from './models';
import { loadMuJoCo, type MjModel, type MuJoCo } from './runtime';

const asset = (name: string) =>
  readFileSync(new URL(`../../assets/mujoco/${name}`, import.meta.url), 'utf8');

function withModel<T>(mj: MuJoCo, xml: string, f: (m: MjModel) => T): T {
  const m = mj.MjModel.from_xml_string(xml);
  try {
    return f(m);
  } finally {
    m.delete();
  }
}

const arr = (x: unknown) => Array.from(x as Float64Array);
const jointId = (mj: MuJoCo, m: MjModel, name: string) =>
  mj.mj_name2id(m, mj.mjtObj.mjOBJ_JOINT.value, name);
const bodyId = (mj: MuJoCo, m: MjModel, name: string) =>
  mj.mj_name2id(m, mj.mjtObj.mjOBJ_BODY.value, name);

describe('MJCF models', () => {
  it('ships the embedded models as assets/mujoco/*.xml, byte for byte', () => {
    expect(asset('half_cheetah.xml')).toBe(HALF_CHEETAH_XML);
    expect(asset('ant.xml')).toBe(ANT_XML);
  });

  it('HalfCheetah has the published physical facts', async () => {
    const mj = await loadMuJoCo();
    withModel(mj, HALF_CHEETAH_XML, (m) => {
      expect([m.nq, m.nv, m.nu]).toEqual([9, 9, 6]);
      expect(m.opt.timestep).toBe(0.01);
      expect(mj.mj_getTotalmass(m)).toBeCloseTo(14, 10);
      expect(arr(m.body_mass)[bodyId(mj, m, 'torso')]).toBeCloseTo(6.25, 2);
      // actuator_gear is nu x 6; the first column is the motor gear.
      expect(arr(m.actuator_gear).filter((_, i) => i % 6 === 0)).toEqual([
        120, 90, 60, 120, 60, 30,
      ]);
      expect(arr(m.actuator_ctrlrange)).toEqual(
        Array(12)
          .fill(0)
          .map((_, i) => (i % 2 === 0 ? -1 : 1)),
      );
      const legs = ['bthigh', 'bshin', 'bfoot', 'fthigh', 'fshin', 'ffoot'];
      const ids = legs.map((n) => jointId(mj, m, n));
      const dofOf = (j: number) => (m.jnt_dofadr as Int32Array)[j] as number;
      expect(ids.map((j) => arr(m.jnt_stiffness)[j])).toEqual([240, 180, 120, 180, 120, 60]);
      expect(ids.map((j) => arr(m.dof_damping)[dofOf(j)])).toEqual([6, 4.5, 3, 4.5, 3, 1.5]);
      expect(ids.map((j) => arr(m.dof_armature)[dofOf(j)])).toEqual(Array(6).fill(0.1));
      expect(ids.map((j) => [arr(m.jnt_range)[2 * j], arr(m.jnt_range)[2 * j + 1]])).toEqual([
        [-0.52, 1.05],
        [-0.785, 0.785],
        [-0.4, 0.785],
        [-1, 0.7],
        [-1.2, 0.87],
        [-0.5, 0.5],
      ]);
      const torsoGeom = mj.mj_name2id(m, mj.mjtObj.mjOBJ_GEOM.value, 'torso');
      expect(arr(m.geom_size)[3 * torsoGeom]).toBeCloseTo(0.046, 12);
      expect(arr(m.geom_size)[3 * torsoGeom + 1]).toBeCloseTo(0.5, 12); // half-length: x from -0.5 to 0.5
      expect(arr(m.geom_friction)[3 * torsoGeom]).toBe(0.4);
      expect(arr(m.body_pos)[3 * bodyId(mj, m, 'torso') + 2]).toBe(0.7);
    });
  });

  it('Ant has the published physical facts', async () => {
    const mj = await loadMuJoCo();
    withModel(mj, ANT_XML, (m) => {
      expect([m.nq, m.nv, m.nu]).toEqual([15, 14, 8]);
      expect(m.opt.timestep).toBe(0.01);
      expect(mj.mj_getTotalmass(m)).toBeCloseTo(0.9109, 4);
      expect(arr(m.actuator_gear).filter((_, i) => i % 6 === 0)).toEqual(Array(8).fill(150));
      expect(arr(m.actuator_ctrlrange)).toEqual(
        Array(16)
          .fill(0)
          .map((_, i) => (i % 2 === 0 ? -1 : 1)),
      );
      const deg = Math.PI / 180;
      const range = (n: string): [number, number] => {
        const j = jointId(mj, m, n);
        return [arr(m.jnt_range)[2 * j] as number, arr(m.jnt_range)[2 * j + 1] as number];
      };
      for (const i of [1, 2, 3, 4]) {
        const [lo, hi] = range(`hip_${i}`);
        expect(lo).toBeCloseTo(-30 * deg, 12);
        expect(hi).toBeCloseTo(30 * deg, 12);
      }
      for (const [i, sign] of [
        [1, 1],
        [2, -1],
        [3, -1],
        [4, 1],
      ] as const) {
        const [lo, hi] = range(`ankle_${i}`);
        expect(sign > 0 ? [lo, hi] : [-hi, -lo]).toEqual([
          expect.closeTo(30 * deg, 12),
          expect.closeTo(70 * deg, 12),
        ]);
      }
      // Hinges: armature 1, damping 1; the free joint's six dofs: none.
      expect(arr(m.dof_armature)).toEqual([0, 0, 0, 0, 0, 0, ...Array(8).fill(1)]);
      expect(arr(m.dof_damping)).toEqual([0, 0, 0, 0, 0, 0, ...Array(8).fill(1)]);
      const torsoGeom = mj.mj_name2id(m, mj.mjtObj.mjOBJ_GEOM.value, 'torso');
      expect(arr(m.geom_size)[3 * torsoGeom]).toBe(0.25);
      expect(arr(m.geom_size)[3 * mj.mj_name2id(m, mj.mjtObj.mjOBJ_GEOM.value, 'left_leg')]).toBe(
        0.08,
      );
      expect(arr(m.qpos0)[2]).toBe(0.75);
    });
  });
});
