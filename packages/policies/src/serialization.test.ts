import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CategoricalMLPPolicy } from './categorical-mlp';
import { PolicyFormatError } from './errors';
import { GaussianMLPPolicy } from './gaussian-mlp';
import type { PolicyJSON } from './json';
import type { Policy } from './policy';
import { loadPolicy, savePolicy } from './serialization';
import { TabularSoftmaxPolicy } from './tabular-softmax';
import { f32, point } from './test-utils/derivatives';

function withStats<P extends CategoricalMLPPolicy | GaussianMLPPolicy>(policy: P): P {
  policy.normalizer?.update(point(9, 12 * policy.obsDim, 3, -1));
  return policy;
}

const policies: Policy[] = [
  new TabularSoftmaxPolicy({ nStates: 16, nActions: 4, initLogit: 0.1 }),
  withStats(new CategoricalMLPPolicy({ obsDim: 4, nActions: 3, hidden: [8], normalizer: true })),
  withStats(
    new GaussianMLPPolicy({
      obsDim: 17,
      actDim: 6,
      hidden: [64, 64],
      logStdInit: -0.7,
      normalizer: { clip: 5 },
    }),
  ),
  new GaussianMLPPolicy({ obsDim: 2, actDim: 2, hidden: [], minStd: 0 }),
];

describe('save / load', () => {
  for (const policy of policies) {
    it(`round-trips ${policy.describe()} exactly`, () => {
      // random float32 values, not just the init: every bit of every parameter must survive
      const params = f32(point(5, policy.paramCount, 3));
      const text = savePolicy(policy, params);
      const loaded = loadPolicy(text);
      expect(loaded.policy.kind).toBe(policy.kind);
      expect(loaded.policy.describe()).toBe(policy.describe());
      expect(Array.from(loaded.params.dataSync())).toEqual(Array.from(params.dataSync()));
      expect(loaded.policy.toJSON(loaded.params)).toEqual(policy.toJSON(params));
      expect(JSON.parse(text)).toMatchObject({
        format: 'bomrl-policy',
        version: 1,
        kind: policy.kind,
      });
      tf.dispose([params, loaded.params]);
    });
  }

  it('loaded policies compute the same log-probabilities (normalizer included)', () => {
    const policy = policies[2] as GaussianMLPPolicy;
    const params = f32(point(6, policy.paramCount, 0.3));
    const { policy: back, params: backParams } = loadPolicy(policy.toJSON(params), 'gaussian-mlp');
    const obs = policy.obsTensor(point(7, 3 * 17, 4));
    const acts = policy.actionTensor(point(8, 3 * 6));
    const a = policy.logProb(params, obs, acts).dataSync();
    const b = back.logProb(backParams, obs, acts).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    tf.dispose([params, backParams, obs, acts]);
  });

  describe('rejects corrupted or mismatched files with a message naming the problem', () => {
    const gaussian = new GaussianMLPPolicy({
      obsDim: 17,
      actDim: 6,
      hidden: [64, 64],
      logStdInit: -0.7,
    });
    const params = gaussian.init(0);
    const good = gaussian.toJSON(params);
    params.dispose();
    const bad = (patch: Record<string, unknown>) =>
      ({ ...good, ...patch }) as unknown as PolicyJSON;
    const cases: [string, unknown, RegExp][] = [
      ['truncated text', JSON.stringify(good).slice(0, 200), /loadPolicy: not valid JSON/],
      ['not an object', [1, 2], /the document must be an object, got \[1,2\]/],
      ['wrong format', bad({ format: 'keras' }), /format is "keras", expected 'bomrl-policy'/],
      ['newer version', bad({ version: 2 }), /version 2 is not supported .* reads version 1/],
      ['unknown kind', bad({ kind: 'beta-mlp' }), /kind is "beta-mlp", expected one of/],
      [
        'params of another architecture',
        bad({ params: new Array(130).fill(0) }),
        /loadPolicy: params has 130 entries but a gaussian-mlp with obsDim 17, hidden \[64,64\], actDim 6 needs 5708/,
      ],
      [
        'a NaN parameter',
        bad({ params: [...good.params.slice(0, 10), null, ...good.params.slice(11)] }),
        /params\[10\] must be a finite number, got null/,
      ],
      [
        'a missing config field',
        bad({ config: { ...good.config, obsDim: undefined } }),
        /config.obsDim must be a positive integer, got undefined/,
      ],
      [
        'a misspelled config field',
        bad({ config: { ...good.config, logstdInit: 1 } }),
        /config has unknown field 'logstdInit'/,
      ],
      [
        'a bad hidden list',
        bad({ config: { ...good.config, hidden: [64, -1] } }),
        /config.hidden must be an array of positive integers, got \[64,-1\]/,
      ],
      [
        'a normalizer of the wrong size',
        bad({ normalizer: { count: 3, mean: [0, 0], var: [1, 1], clip: 10, epsilon: 1e-8 } }),
        /normalizer.mean has 2 entries, expected 17/,
      ],
      [
        'an unknown top-level field',
        bad({ weights: [] }),
        /the document has unknown field 'weights'/,
      ],
    ];
    for (const [what, doc, message] of cases) {
      it(what, () => {
        let error: unknown;
        try {
          loadPolicy(doc);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(PolicyFormatError);
        expect((error as Error).message).toMatch(message);
      });
    }

    it('a file of another kind than expected', () => {
      const tab = new TabularSoftmaxPolicy({ nStates: 2, nActions: 2 });
      const p = tab.init(0);
      expect(() => loadPolicy(tab.toJSON(p), 'gaussian-mlp')).toThrow(
        /the file holds a tabular-softmax policy, expected gaussian-mlp/,
      );
      p.dispose();
    });
  });
});
