import { describe, expect, it } from 'vitest';
import { AntVel } from './ant';
import { HalfCheetahVel } from './half-cheetah';
import { recordRolloutSvg, renderRolloutSvg } from './svg';

describe('rollout SVG', () => {
  it('draws every capsule of every recorded frame', async () => {
    const env = await HalfCheetahVel.create();
    const segments = env.geomSegments();
    // torso, head and six leg capsules; the floor is left out.
    expect(segments.map((s) => s.name)).toEqual([
      'torso',
      'head',
      'bthigh',
      'bshin',
      'bfoot',
      'fthigh',
      'fshin',
      'ffoot',
    ]);
    const svg = recordRolloutSvg(env, {
      steps: 20,
      every: 10,
      seed: 1,
      title: 'HalfCheetah <zero action>',
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g opacity/g)).toHaveLength(3); // steps 0, 10, 20
    expect(svg.match(/stroke-linecap="round"/g)).toHaveLength(3 * 8);
    expect(svg).toContain('&lt;zero action&gt;');
    env.close();
  });

  it('draws the Ant torso sphere as a circle', async () => {
    const env = await AntVel.create();
    env.reset({ seed: 0 });
    const svg = renderRolloutSvg([{ step: 0, segments: env.geomSegments() }]);
    expect(svg.match(/<circle/g)).toHaveLength(1);
    env.close();
  });
});
