import { Rng } from '@bomrl/envs';
import { describe, expect, it } from 'vitest';
import { Random } from './random';

describe('Random (deprecated name of the one generator, Rng)', () => {
  it('is the same class as @bomrl/envs Rng, so every package accepts it', () => {
    expect(Random).toBe(Rng);
    expect(new Random(1)).toBeInstanceOf(Rng);
  });

  it("keeps core's former stream: the values pinned before the merge of the two generators", () => {
    // Drawn from core's own xoshiro128** implementation before it became an alias (seed 42):
    // runs and checkpoints written before stay reproducible.
    const r = new Random(42);
    expect([r.float(), r.float()]).toEqual([0.6606157208001621, 0.1117019639532224]);
    const s = new Random(42);
    expect([s.next(), s.next()]).toEqual([0.6606157208001621, 0.1117019639532224]);
  });
});
