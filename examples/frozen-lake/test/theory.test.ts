import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrozenLake } from '@bomrl/envs';
import { paperTasks } from '../src/lib/tasks';
import { maxEntropyOptimalPolicy, taskVariance, varianceObjective } from '../src/lib/theory';

const family = FrozenLake.family({ variance: 'high' });
const model = (map: readonly string[]) =>
  family.make({ kind: 'frozen-lake', variance: 'high', map, slip: 0 }).model();
const OPEN = ['SFFF', 'FFFF', 'FFFF', 'FFFG'];

test('the max-entropy optimal policy splits ties: Right and Down at the start of an open map', () => {
  const pi = maxEntropyOptimalPolicy(model(OPEN));
  // actions Left, Down, Right, Up
  assert.deepEqual(Array.from(pi.subarray(0, 4)), [0, 0.5, 0.5, 0]);
});

test('identical tasks have zero task variance', () => {
  const v = taskVariance([model(OPEN), model(OPEN), model(OPEN)]);
  assert.ok(Math.abs(v.variance) < 1e-12, `closed form ${v.variance}`);
  // gradient descent towards saturated (one-hot) rows converges like 1/t: a small tail remains
  assert.ok(v.numeric < 1e-4, `numeric ${v.numeric}`);
});

test('task variance: the closed form is the minimum over theta, and the numeric minimization reaches it', () => {
  const models = family.sampleTasks(20, 3).map((t) => family.make(t).model());
  const v = taskVariance(models);
  assert.ok(v.variance > 0.01, `a random family has positive variance, got ${v.variance}`);
  assert.ok(v.numeric >= v.variance - 1e-12, 'no theta beats the closed-form minimum');
  assert.ok(v.numeric - v.variance < 1e-3, `numeric ${v.numeric} vs closed form ${v.variance}`);
  // any other theta is worse: random logits, and the uniform policy
  for (let seed = 1; seed <= 5; seed++) {
    const theta = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i * 12.9898 * seed) * 2);
    assert.ok(varianceObjective(v.terms, theta, 4) > v.variance);
  }
  assert.ok(varianceObjective(v.terms, new Float64Array(64), 4) > v.variance);
});

test("the paper's maps ship with the example: 10 high- and 20 low-variance 4x4 maps", () => {
  const high = paperTasks('high');
  const low = paperTasks('low');
  assert.equal(high.length, 10);
  assert.equal(low.length, 20);
  for (const task of [...high, ...low]) {
    assert.deepEqual(
      task.map.map((row) => row.length),
      [4, 4, 4, 4],
    );
    assert.equal(task.map[0]?.[0], 'S');
    assert.equal(task.map[3]?.[3], 'G');
    // every map is a valid task of its family (a path from start to goal, known cells)
    FrozenLake.family({ variance: task.variance }).validateTask(task);
  }
});
