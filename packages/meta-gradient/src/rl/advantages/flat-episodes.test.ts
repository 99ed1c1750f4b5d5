import { describe, expect, it } from 'vitest';
import type { Episode } from './episode';
import { flattenEpisodes } from './flat-episodes';
import { generalizedAdvantages } from './gae';
import { LinearFeatureBaseline } from './linear-feature-baseline';

const episode = (length: number, shift: number): Episode => ({
  observations: Float32Array.from({ length: length * 2 }, (_, i) => Math.sin(i + shift)),
  rewards: Float32Array.from({ length }, (_, t) => Math.cos(t * 0.7 + shift)),
  actions: Float32Array.from({ length }, (_, t) => (t + shift) % 3),
  obsDim: 2,
  actionSize: 1,
  terminated: false,
});

describe('flattenEpisodes', () => {
  const episodes = [episode(5, 0), episode(3, 1), episode(7, 2)];

  it('concatenates the steps and equals per-episode GAE under a baseline fitted to all of them', () => {
    const flat = flattenEpisodes(episodes, 0.9, 0.95);
    expect(flat.steps).toBe(15);
    const baseline = new LinearFeatureBaseline();
    baseline.fit(episodes, 0.9);
    let offset = 0;
    for (const e of episodes) {
      const expected = generalizedAdvantages(e.rewards, baseline.predict(e), 0.9, 0.95);
      expect(Array.from(flat.advantages.subarray(offset, offset + e.rewards.length))).toEqual(
        Array.from(expected),
      );
      expect(
        Array.from(flat.observations.subarray(offset * 2, (offset + e.rewards.length) * 2)),
      ).toEqual(Array.from(e.observations));
      expect(Array.from(flat.timeSteps.subarray(offset, offset + e.rewards.length))).toEqual(
        Array.from({ length: e.rewards.length }, (_, t) => t),
      );
      offset += e.rewards.length;
    }
    expect(Array.from(flat.actions)).toEqual(episodes.flatMap((e) => Array.from(e.actions)));
  });

  it('refuses an empty set of episodes', () => {
    expect(() => flattenEpisodes([], 0.9, 1)).toThrow(/no steps/);
  });
});
