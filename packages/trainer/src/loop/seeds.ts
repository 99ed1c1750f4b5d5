import { Rng } from '@bomrl/core';
import { subSeed } from '../methods/sub-seed';

/**
 * Every random choice of meta-iteration `i` is seeded from (config.seed, i) alone, never from a
 * generator carried across iterations: a resumed run therefore redraws exactly what an
 * uninterrupted run would have drawn, with nothing to checkpoint but phi and the optimizer.
 */
export const SEED_STREAMS = { tasks: 1, method: 2, metaTest: 3 } as const;

/** The seed of one stream of one iteration. */
export function iterationSeed(
  base: number,
  iteration: number,
  stream: keyof typeof SEED_STREAMS,
): number {
  return subSeed(base, iteration, SEED_STREAMS[stream]);
}

/**
 * The meta-batch of an iteration: `count` distinct training tasks when there are enough
 * (a seeded partial shuffle), otherwise draws with replacement.
 */
export function pickTasks<T>(tasks: readonly T[], count: number, seed: number): T[] {
  if (tasks.length === 0) throw new RangeError('pickTasks: no training tasks');
  const rng = new Rng(seed);
  // floor(u * n) rather than Rng.int's rejection sampling: it keeps the meta-batches of every
  // existing run bit-identical (its bias is below n / 2^53).
  const index = (n: number) => Math.floor(rng.next() * n);
  if (count > tasks.length) return Array.from({ length: count }, () => tasks[index(tasks.length)]!);
  const idx = tasks.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + index(idx.length - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, count).map((i) => tasks[i]!);
}
