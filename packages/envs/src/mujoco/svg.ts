import { EnvError } from '../errors';
import type { LocomotionEnv } from './locomotion';

/** One drawn frame: the robot's capsules (a sphere has `from === to`) at one time. */
export interface RolloutFrame {
  /** Env step of the frame. */
  step: number;
  segments: { from: readonly number[]; to: readonly number[]; radius: number; name: string }[];
}

/** Options of {@link renderRolloutSvg}. */
export interface RolloutSvgOptions {
  /** Picture width in pixels (default 800); the height follows the scene's aspect ratio. */
  width?: number;
  /** Title drawn at the top left (default none). */
  title?: string;
  /** Body color (default a dark slate); older frames are drawn fainter. */
  color?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

/**
 * A side view (x to the right, z up, the y axis projected away) of a few frames of a rollout as an
 * SVG string: each capsule becomes a round-capped line as thick as the capsule, each sphere a
 * circle; frames are overlaid, the older ones fainter, over a ground line with 1 m ticks. Plain
 * text, no dependencies: for reports, docs and quick looks (`rsvg-convert` turns it into PNG).
 */
export function renderRolloutSvg(
  frames: readonly RolloutFrame[],
  options: RolloutSvgOptions = {},
): string {
  if (frames.length === 0) throw new EnvError('renderRolloutSvg: need at least one frame');
  const width = options.width ?? 800;
  const color = options.color ?? '#2f3e4e';
  let minX = Infinity;
  let maxX = -Infinity;
  let maxZ = 0;
  for (const f of frames) {
    for (const s of f.segments) {
      for (const p of [s.from, s.to]) {
        minX = Math.min(minX, (p[0] ?? 0) - s.radius);
        maxX = Math.max(maxX, (p[0] ?? 0) + s.radius);
        maxZ = Math.max(maxZ, (p[2] ?? 0) + s.radius);
      }
    }
  }
  // Pad the scene and keep the ground (z = 0) in view even if the robot is airborne.
  const pad = 0.3;
  minX -= pad;
  maxX += pad;
  const minZ = -0.15;
  maxZ += pad;
  const scale = width / (maxX - minX);
  const titleSpace = options.title ? 24 : 0;
  const height = Math.ceil((maxZ - minZ) * scale) + titleSpace;
  const px = (x: number) => fmt((x - minX) * scale);
  const pz = (z: number) => fmt(titleSpace + (maxZ - z) * scale);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  );
  if (options.title) {
    parts.push(
      `<text x="8" y="17" font-family="sans-serif" font-size="14" fill="#333">${esc(options.title)}</text>`,
    );
  }
  parts.push(
    `<line x1="0" y1="${pz(0)}" x2="${width}" y2="${pz(0)}" stroke="#8a9a7b" stroke-width="2"/>`,
  );
  for (let m = Math.ceil(minX); m <= Math.floor(maxX); m++) {
    parts.push(
      `<line x1="${px(m)}" y1="${pz(0)}" x2="${px(m)}" y2="${fmt(Number(pz(0)) + 6)}" stroke="#8a9a7b"/>`,
      `<text x="${px(m)}" y="${fmt(Number(pz(0)) + 18)}" font-family="sans-serif" font-size="10" fill="#777" text-anchor="middle">${m} m</text>`,
    );
  }
  frames.forEach((frame, i) => {
    // The newest frame is opaque; earlier ones fade so the motion reads as a trail.
    const opacity = frames.length === 1 ? 1 : 0.2 + (0.8 * i) / (frames.length - 1);
    parts.push(`<g opacity="${opacity.toFixed(2)}" data-step="${frame.step}">`);
    for (const s of frame.segments) {
      const w = fmt(2 * s.radius * scale);
      const [x1, z1, x2, z2] = [s.from[0] ?? 0, s.from[2] ?? 0, s.to[0] ?? 0, s.to[2] ?? 0];
      if (x1 === x2 && z1 === z2) {
        parts.push(
          `<circle cx="${px(x1)}" cy="${pz(z1)}" r="${fmt(s.radius * scale)}" fill="${color}"/>`,
        );
      } else {
        parts.push(
          `<line x1="${px(x1)}" y1="${pz(z1)}" x2="${px(x2)}" y2="${pz(z2)}" stroke="${color}" stroke-width="${w}" stroke-linecap="round"><title>${esc(s.name)}</title></line>`,
        );
      }
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/**
 * Runs one episode prefix of `env` and draws it: resets with `seed`, takes `steps` env steps with
 * `policy` (default: zero action), and records a frame every `every` steps (the first and last
 * state always included). Returns the SVG string of {@link renderRolloutSvg}.
 */
export function recordRolloutSvg<Task>(
  env: LocomotionEnv<Task>,
  options: RolloutSvgOptions & {
    steps?: number;
    every?: number;
    seed?: number;
    policy?: (obs: Float32Array, step: number) => ArrayLike<number>;
  } = {},
): string {
  const steps = options.steps ?? 40;
  const every = options.every ?? 10;
  const zero = new Float32Array(env.flatActionSize);
  const policy = options.policy ?? (() => zero);
  let { obs } = env.reset(options.seed === undefined ? {} : { seed: options.seed });
  const frames: RolloutFrame[] = [{ step: 0, segments: env.geomSegments() }];
  for (let t = 1; t <= steps; t++) {
    const r = env.step(policy(obs, t - 1));
    obs = r.obs;
    const last = t === steps || r.terminated || r.truncated;
    if (t % every === 0 || last) frames.push({ step: t, segments: env.geomSegments() });
    if (last) break;
  }
  return renderRolloutSvg(frames, options);
}
