import { FrozenLake, Navigation2D } from '@bomrl/envs';
import { evaluatePolicy, softmaxPolicy } from '@bomrl/envs/tabular';
import { discountedReturns } from '@bomrl/meta-gradient';
import { GaussianMLPPolicy, TabularSoftmaxPolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InProcessSampler } from './in-process-sampler';

describe('InProcessSampler', () => {
  const family = FrozenLake.family({ variance: 'high', size: 4 });
  const [task] = family.sampleTasks(1, 9);
  const policy = new TabularSoftmaxPolicy({ nStates: 16, nActions: 4 });
  const logits = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 0.9));
  const params = tf.tensor1d(logits);

  it('reproduces the same episodes from the same seed', async () => {
    const sampler = new InProcessSampler(family, policy);
    const [a] = await sampler.sample([{ task: task!, params, episodes: 4, seed: 3 }]);
    const [b] = await sampler.sample([{ task: task!, params, episodes: 4, seed: 3 }]);
    const [c] = await sampler.sample([{ task: task!, params, episodes: 4, seed: 4 }]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a!.every((e) => e.rewards.length === 49 && e.observations.length === 49)).toBe(true);
    sampler.close();
  });

  it("sampled discounted returns estimate the exact J of the env's model (within 4 SE)", async () => {
    const sampler = new InProcessSampler(family, policy);
    const [episodes] = await sampler.sample([{ task: task!, params, episodes: 4000, seed: 1 }]);
    const returns = episodes!.map((e) => discountedReturns(e.rewards, 0.8)[0]!);
    const mean = returns.reduce((s, x) => s + x, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((s, x) => s + (x - mean) ** 2, 0) / (returns.length - 1));
    const model = family.make(task!).model();
    const exact = evaluatePolicy(model, softmaxPolicy(logits, logits.length / 4, 4), {
      mode: 'finite',
    }).J;
    expect(Math.abs(mean - exact)).toBeLessThan((4 * sd) / Math.sqrt(returns.length));
    sampler.close();
  });

  it('records continuous actions and ends terminated episodes early (2D navigation)', async () => {
    const nav = Navigation2D.family();
    const gaussian = new GaussianMLPPolicy({ obsDim: 2, actDim: 2, hidden: [8], logStdInit: -6 });
    const sampler = new InProcessSampler(nav, gaussian);
    // a goal right at the start: a near-zero policy reaches it at once
    const [episodes] = await sampler.sample([
      {
        task: { kind: 'navigation-2d', goal: [0.005, 0.005] },
        params: gaussian.init(0),
        episodes: 3,
        seed: 0,
      },
    ]);
    for (const e of episodes!) {
      expect(e.actionSize).toBe(2);
      expect(e.actions.length).toBe(2 * e.rewards.length);
      expect(e.terminated).toBe(true);
      expect(e.rewards.length).toBeLessThan(100);
    }
    sampler.close();
  });

  it('collects requests that share parameters in one batch, with the episodes of collecting each alone', async () => {
    const nav = Navigation2D.family();
    const gaussian = new GaussianMLPPolicy({ obsDim: 2, actDim: 2, hidden: [8], logStdInit: -1 });
    const phi = gaussian.init(1);
    const other = gaussian.init(2);
    const goals = nav.sampleTasks(3, 5);
    const requests = [
      { task: goals[0]!, params: phi, episodes: 3, seed: 10 },
      { task: goals[1]!, params: other, episodes: 3, seed: 11 },
      { task: goals[2]!, params: phi, episodes: 3, seed: 12 },
      { task: goals[0]!, params: phi, episodes: 2, seed: 13 },
    ];
    const batched = await new InProcessSampler(nav, gaussian).sample(requests);
    const alone = new InProcessSampler(nav, gaussian);
    for (const [i, r] of requests.entries()) {
      const [episodes] = await alone.sample([r]);
      expect(batched[i]).toEqual(episodes);
    }
    alone.close();
    tf.dispose([phi, other]);
  });

  it('keeps tf.memory().numTensors flat across sampling calls', async () => {
    const nav = Navigation2D.family();
    const gaussian = new GaussianMLPPolicy({ obsDim: 2, actDim: 2, hidden: [8] });
    const phi = gaussian.init(1);
    const sampler = new InProcessSampler(nav, gaussian);
    const tasks = nav.sampleTasks(2, 3);
    const run = () =>
      sampler.sample(tasks.map((task, i) => ({ task, params: phi, episodes: 2, seed: i })));
    await run();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) await run();
    expect(tf.memory().numTensors).toBe(before);
    sampler.close();
    phi.dispose();
  });

  it('rejects a bad episode count', async () => {
    const sampler = new InProcessSampler(family, policy);
    await expect(sampler.sample([{ task: task!, params, episodes: 0, seed: 0 }])).rejects.toThrow(
      /positive integer/,
    );
  });
});
