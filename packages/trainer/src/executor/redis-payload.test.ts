import { describe, expect, it } from 'vitest';
import { isRunId, newRunId } from './redis-names';
import { checkJobData, checkOutput, checkSpec, decode, encode } from './redis-payload';

describe('Redis payloads', () => {
  it('v8 encoding keeps typed arrays and every float64 bit', () => {
    const value = {
      phi: Float64Array.from([Math.PI, -0, 1e-310, Number.MAX_VALUE]),
      episodes: [{ observations: new Float32Array([0.1, 0.2]), terminated: false }],
    };
    const back = decode(encode(value), 'test') as typeof value;
    expect(back.phi).toBeInstanceOf(Float64Array);
    expect(Object.is(back.phi[1], -0)).toBe(true);
    expect([...back.phi]).toEqual([...value.phi]);
    expect(back.episodes[0]!.observations).toBeInstanceOf(Float32Array);
    expect(() => decode(Buffer.from('not v8'), 'result of job x')).toThrow(/result of job x/);
  });

  it('job data is checked: run id, call, kind and input', () => {
    const good = { runId: newRunId('0123456789abcdef'), call: 2, kind: 'sample', input: 'AA==' };
    expect(checkJobData(good, isRunId)).toEqual(good);
    expect(() => checkJobData({ ...good, kind: 'rm -rf' }, isRunId)).toThrow(/unknown job kind/);
    expect(() => checkJobData({ ...good, runId: 'other' }, isRunId)).toThrow(/runId/);
    expect(() => checkJobData({ ...good, call: -1 }, isRunId)).toThrow(/call/);
    expect(() => checkJobData({ ...good, input: 3 }, isRunId)).toThrow(/input/);
    expect(() => checkJobData(null, isRunId)).toThrow(/object/);
  });

  it('outputs must have their kind\u2019s shape; specs must name a known backend', () => {
    expect(checkOutput('bomrl-candidate', 0.5, 'r')).toBe(0.5);
    expect(() => checkOutput('bomrl-candidate', '0.5', 'r')).toThrow(/a number/);
    expect(() => checkOutput('sample', {}, 'r')).toThrow(/array/);
    const maml = { episodes: [], gradient: new Float64Array(3), seconds: {} };
    expect(checkOutput('maml-task', maml, 'r')).toBe(maml);
    expect(() => checkOutput('maml-task', { ...maml, gradient: [1, 2] }, 'r')).toThrow(
      /Float64Array/,
    );
    expect(() => checkOutput('bomrl-task', { theta: new Float32Array(1) }, 'r')).toThrow(
      /bomrl-task/,
    );
    expect(checkOutput('maml-candidate', [0.1, -2], 'r')).toEqual([0.1, -2]);
    expect(() => checkOutput('maml-candidate', [0.1, '2'], 'r')).toThrow(/array of numbers/);
    const share = new Float64Array(4);
    expect(checkOutput('kl-fisher', share, 'r')).toBe(share);
    expect(() => checkOutput('kl-fisher', new Float32Array(4), 'r')).toThrow(/Float64Array/);
    const tangent = { tangent: new Float64Array(4), iterations: 10, relativeResidual: 0.1 };
    expect(checkOutput('bomrl-tangent', tangent, 'r')).toBe(tangent);
    expect(() =>
      checkOutput('bomrl-tangent', { ...tangent, tangent: new Float32Array(4) }, 'r'),
    ).toThrow(/bomrl-tangent/);
    expect(checkOutput('bomrl-linear-candidate', -0.25, 'r')).toBe(-0.25);
    expect(() => checkOutput('bomrl-linear-candidate', null, 'r')).toThrow(/a number/);
    expect(checkSpec({ config: { name: 'x' }, backend: 'cpu' }).backend).toBe('cpu');
    expect(() => checkSpec({ config: {}, backend: 'gpu' })).toThrow(/backend/);
  });
});
