import { relativeError } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type ConstrainedGradientOptions, constrainedImplicitGradient } from './constrained';
import { implicitGradient } from './implicit-gradient';
import { f32, read, report } from './testing/float64';
import { constrainedProblem, referenceHypergradient } from './testing/problems';

/*
 * theta*(phi) = argmax L s.t. D <= delta with L non-quadratic (logSumExp, tanh in phi) and D a
 * weighted squared distance to C phi, solved in float64 (Newton + bisection on the multiplier).
 * Reference: float64 central differences of phi -> outer(theta*(phi)). Tolerance 1e-3.
 */
const TOL = 1e-3;

function run(deltaFraction: number, extra: Partial<ConstrainedGradientOptions> = {}) {
  const p = constrainedProblem(deltaFraction);
  const { theta, mu } = p.solveWithMultiplier(p.phi);
  const solution = f32(theta);
  const params = f32(p.phi);
  const outerGradient = f32(p.outerGrad64(theta));
  const res = constrainedImplicitGradient({
    objective: p.objective,
    constraint: p.constraint,
    bound: p.delta,
    sense: 'max',
    solution,
    params,
    outerGradient,
    solve: { kind: 'cg', maxIter: 50, tol: 1e-7 },
    ...extra,
  });
  for (const t of [solution, params, outerGradient, res.adjoint]) t.dispose();
  return { p, mu, res, gradient: read(res.gradient) };
}

describe('constrainedImplicitGradient: active constraint', () => {
  const p = constrainedProblem(0.2);
  const expected = referenceHypergradient(p);
  const { mu } = p.solveWithMultiplier(p.phi);

  const cases: [string, Partial<ConstrainedGradientOptions>, number][] = [
    ['projected CG, estimated multiplier', {}, TOL],
    ['projected CG, given multiplier', { multiplier: mu }, TOL],
    ['Schur complement (two CG solves)', { saddle: 'schur', multiplier: mu }, TOL],
    ['direct (dense KKT)', { solve: { kind: 'direct' } }, TOL],
    ['projected CG, finite-difference HVPs', { hvp: { mode: 'finite-difference' } }, 1e-2],
    [
      'sense "min" on -L',
      { objective: (th, ph) => tf.neg(p.objective(th, ph)), sense: 'min' },
      TOL,
    ],
  ];
  for (const [name, extra, tol] of cases) {
    it(`${name} matches float64 finite differences`, () => {
      const { res, gradient } = run(0.2, extra);
      const err = relativeError(gradient, expected);
      report(
        `constrained active, ${name} (${res.diagnostics.iterations} products) rel. error`,
        err,
      );
      expect(err).toBeLessThan(tol);
      expect(res.diagnostics.active).toBe(true);
      expect(res.diagnostics.warnings).toEqual([]);
      expect(Math.abs(res.diagnostics.multiplier - mu) / mu).toBeLessThan(1e-3);
    });
  }

  it('the KKT terms matter: the penalized problem at fixed lambda = mu gives another gradient', () => {
    const { theta } = p.solveWithMultiplier(p.phi);
    const solution = f32(theta);
    const params = f32(p.phi);
    const g = f32(p.outerGrad64(theta));
    const penalized = implicitGradient({
      objective: (th, ph) => tf.sub(p.objective(th, ph), tf.mul(mu, p.constraint(th, ph))),
      sense: 'max',
      solution,
      params,
      outerGradient: g,
    });
    const diff = relativeError(read(penalized.gradient), expected);
    report('constrained active: penalized (fixed mu) formula differs by', diff);
    expect(diff).toBeGreaterThan(1e-2);
    for (const t of [solution, params, g, penalized.adjoint]) t.dispose();
  });
});

describe('constrainedImplicitGradient: inactive constraint', () => {
  const p = constrainedProblem(2);
  const expected = referenceHypergradient(p);

  it('uses the unconstrained formula with G = L and matches finite differences', () => {
    const { res, gradient, mu } = run(2);
    expect(mu).toBe(0);
    const err = relativeError(gradient, expected);
    report('constrained inactive rel. error', err);
    expect(err).toBeLessThan(TOL);
    expect(res.diagnostics.active).toBe(false);
    expect(res.diagnostics.multiplier).toBe(0);
    expect(res.constraintAdjoint).toBe(0);
    expect(res.diagnostics.constraintResidual).toBeLessThan(0);
  });

  it('warns when a positive multiplier is given for a slack constraint', () => {
    const { res } = run(2, { multiplier: 0.5 });
    expect(res.diagnostics.active).toBe(false);
    expect(res.diagnostics.warnings.join('\n')).toMatch(/complementary slackness/);
  });
});

describe('memory', () => {
  it('tf.memory().numTensors is stable across repeated calls', () => {
    const once = () => {
      for (const extra of [
        {},
        { saddle: 'schur' as const },
        { solve: { kind: 'direct' as const } },
      ]) {
        run(0.2, extra);
      }
      run(2);
    };
    once();
    const before = tf.memory().numTensors;
    once();
    once();
    expect(tf.memory().numTensors).toBe(before);
  });
});
