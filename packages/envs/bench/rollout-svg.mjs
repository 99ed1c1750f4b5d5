// Writes a side-view SVG of a short rollout of a MuJoCo family (the built package's
// recordRolloutSvg): `node bench/rollout-svg.mjs [half-cheetah|ant] [out.svg]`.
// The policy is an open-loop sine gait, so the picture shows the robot moving. Convert with
// `rsvg-convert -o out.png out.svg` (Debian: apt-get install librsvg2-bin).
import { writeFileSync } from 'node:fs';

const { AntDir, HalfCheetahDir, recordRolloutSvg } = await import(
  new URL('../dist/mujoco.js', import.meta.url).href
);

const robot = process.argv[2] ?? 'half-cheetah';
const out = process.argv[3] ?? `${robot}-rollout.svg`;
// Open-loop sine gaits (joint i: amp * sin(omega t + i pi / 3)) picked by a small search: this
// cheetah gait runs backward (so it is shown on the direction -1 task), this ant gait creeps forward.
const setup =
  robot === 'ant'
    ? { Env: AntDir, label: 'AntDir', direction: 1, amp: 0.5, omega: 0.9 }
    : { Env: HalfCheetahDir, label: 'HalfCheetahDir', direction: -1, amp: 0.8, omega: 1.5 };
const env = await setup.Env.create({ direction: setup.direction });
const n = env.flatActionSize;
const policy = (_obs, t) =>
  Float32Array.from(
    { length: n },
    (_, i) => setup.amp * Math.sin(setup.omega * t + (i * Math.PI) / 3),
  );
const svg = recordRolloutSvg(env, {
  steps: 60,
  every: 12,
  seed: 0,
  policy,
  title: `${setup.label} (direction ${setup.direction > 0 ? '+1' : '-1'}), open-loop sine gait, a frame every 12 steps (0.6 s)`,
});
env.close();
writeFileSync(out, svg);
console.log(`wrote ${out} (${svg.length} bytes)`);
