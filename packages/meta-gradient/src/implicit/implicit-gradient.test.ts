import { gradient, relativeError, withUncorrectedGradients } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { implicitGradientFromCondition } from './implicit-condition';
import { type ImplicitGradientOptions, implicitGradient } from './implicit-gradient';
import { f32, lambdaMax, read, report, round32 } from './testing/float64';
import {
  fixedPointProblem,
  logSumExpProblem,
  type Problem,
  quadraticProblem,
  referenceHypergradient,
  ridgeProblem,
} from './testing/problems';

/*
 * Every hypergradient is compared with an exact answer: a closed form, or central finite
 * differences (float64, h = 1e-5, error ~1e-10) of phi -> outer(theta*(phi)) with theta* solved
 * in float64 to ~1e-13. Tolerance 1e-3 relative, as for the HVPs: float32 products give ~1e-6,
 * while a wrong sign or a missing term is an O(1) error.
 */
const TOL = 1e-3;

/** Runs implicitGradient on a problem at its float64 solution; returns the float64 result. */
function tfHypergradient(p: Problem, extra: Partial<ImplicitGradientOptions> = {}) {
  const thetaStar = p.solve64(p.phi);
  const solution = f32(thetaStar);
  const params = f32(p.phi);
  const outerGradient = f32(p.outerGrad64(thetaStar));
  const res = implicitGradient({
    objective: p.G,
    solution,
    params,
    outerGradient,
    sense: p.sense,
    solve: { kind: 'cg', maxIter: 50, tol: 1e-7 },
    ...extra,
  });
  solution.dispose();
  params.dispose();
  outerGradient.dispose();
  res.adjoint.dispose();
  return { gradient: read(res.gradient), diagnostics: res.diagnostics };
}

describe('implicitGradient: ridge regression hyperparameters (min)', () => {
  const p = ridgeProblem();
  const expected = referenceHypergradient(p);

  it('matches float64 finite differences of the validation loss', () => {
    const { gradient: got, diagnostics } = tfHypergradient(p);
    const err = relativeError(got, expected);
    report(`ridge (CG, ${diagnostics.iterations} products) rel. error`, err);
    report('ridge stationarity ||grad_theta G||', diagnostics.stationarity);
    expect(err).toBeLessThan(TOL);
    expect(diagnostics.converged).toBe(true);
    expect(diagnostics.warnings).toEqual([]);
  });

  it('sense "max" on a minimization is caught (negative curvature warning)', () => {
    const { diagnostics } = tfHypergradient(p, { sense: 'max' });
    expect(diagnostics.negativeCurvature).toBe(true);
    expect(diagnostics.warnings.join('\n')).toMatch(/not positive definite/);
  });

  it('a missing sense throws, naming the field and the fix (no silent default)', () => {
    const missing = { sense: undefined } as unknown as Partial<ImplicitGradientOptions>;
    expect(() => tfHypergradient(p, missing)).toThrow(/options\.sense is required.*'max'.*'min'/);
  });
});

describe('implicitGradient: quadratic max problem (closed form)', () => {
  const { problem: p, A, exact } = quadraticProblem();
  const expected = exact();
  const cases: [string, Partial<ImplicitGradientOptions>, number][] = [
    ['CG', {}, TOL],
    ['direct', { solve: { kind: 'direct' } }, TOL],
    [
      'Neumann (alpha = 1/lambda_max, 400 terms)',
      { solve: { kind: 'neumann', alpha: 1 / lambdaMax(A), terms: 400 } },
      TOL,
    ],
    ['CG + finite-difference HVPs', { hvp: { mode: 'finite-difference' } }, 1e-2],
  ];
  for (const [name, extra, tol] of cases) {
    it(`${name} matches B^T A^{-1} g`, () => {
      const { gradient: got, diagnostics } = tfHypergradient(p, extra);
      const err = relativeError(got, expected);
      report(`quadratic, ${name} (${diagnostics.iterations} products) rel. error`, err);
      expect(err).toBeLessThan(tol);
    });
  }

  it('damping biases the answer as (H + damping I)^{-1}', () => {
    const small = relativeError(
      tfHypergradient(p, { solve: { kind: 'cg', damping: 1e-4 } }).gradient,
      expected,
    );
    const large = relativeError(
      tfHypergradient(p, { solve: { kind: 'cg', damping: 1 } }).gradient,
      expected,
    );
    report('quadratic, CG damping 1e-4 rel. error', small);
    expect(small).toBeLessThan(TOL);
    expect(large).toBeGreaterThan(1e-2);
  });

  it('warns when the given solution is not stationary', () => {
    const thetaStar = p.solve64(p.phi).map((v) => v + 0.05);
    const solution = f32(thetaStar);
    const params = f32(p.phi);
    const g = f32(p.outerGrad64(thetaStar));
    const res = implicitGradient({
      objective: p.G,
      sense: p.sense,
      solution,
      params,
      outerGradient: g,
    });
    expect(res.diagnostics.stationarity).toBeGreaterThan(1e-2);
    expect(res.diagnostics.warnings.join('\n')).toMatch(/not stationary/);
    for (const t of [solution, params, g, res.gradient, res.adjoint]) t.dispose();
  });
});

describe('implicitGradient: logSumExp / tanh strongly concave problem (Newton in float64)', () => {
  const p = logSumExpProblem();
  const expected = referenceHypergradient(p);

  it('matches float64 finite differences of outer(theta*(phi))', () => {
    const { gradient: got, diagnostics } = tfHypergradient(p);
    const err = relativeError(got, expected);
    report(`logSumExp problem (CG, ${diagnostics.iterations} products) rel. error`, err);
    expect(err).toBeLessThan(TOL);
    expect(diagnostics.warnings).toEqual([]);
  });

  it('finite-difference HVP mode agrees to 1e-2', () => {
    const err = relativeError(
      tfHypergradient(p, { hvp: { mode: 'finite-difference' } }).gradient,
      expected,
    );
    report('logSumExp problem, finite-difference HVPs rel. error', err);
    expect(err).toBeLessThan(1e-2);
  });

  it("is wrong or throws with tfjs's uncorrected second-order gradients", () => {
    let err: number;
    try {
      err = withUncorrectedGradients(() => relativeError(tfHypergradient(p).gradient, expected));
    } catch {
      err = Number.POSITIVE_INFINITY;
    }
    report('logSumExp problem with UNCORRECTED gradients rel. error', err);
    expect(err).toBeGreaterThan(1e-2);
    // ... and the correction is back afterwards.
    expect(relativeError(tfHypergradient(p).gradient, expected)).toBeLessThan(TOL);
  });

  it('without comparison ops the uncorrected result is silently wrong, the corrected one right', () => {
    // log(sum(exp(z))) without the max shift: nothing throws, exp's gradient is wrong to 2nd order.
    const q = logSumExpProblem({ stableLogSumExp: false });
    const good = relativeError(tfHypergradient(q).gradient, expected);
    const bad = withUncorrectedGradients(() =>
      relativeError(tfHypergradient(q).gradient, expected),
    );
    report('unshifted logSumExp, corrected rel. error', good);
    report('unshifted logSumExp, UNCORRECTED rel. error (silent)', bad);
    expect(good).toBeLessThan(TOL);
    expect(bad).toBeGreaterThan(1e-2);
  });
});

describe('implicitGradientFromCondition', () => {
  it('F = grad_theta G reproduces implicitGradient (symmetric Jacobian)', () => {
    const p = logSumExpProblem();
    const expected = referenceHypergradient(p);
    const thetaStar = p.solve64(p.phi);
    const solution = f32(thetaStar);
    const params = f32(p.phi);
    const g = f32(p.outerGrad64(thetaStar));
    const condition = (th: tf.Tensor1D, ph: tf.Tensor1D) => gradient((x) => p.G(x, ph), th);
    for (const solve of [
      { kind: 'bicgstab' },
      { kind: 'direct' },
      { kind: 'normal-cg', maxIter: 60, tol: 1e-7 },
    ] as const) {
      const res = implicitGradientFromCondition({
        condition,
        solution,
        params,
        outerGradient: g,
        solve,
      });
      const err = relativeError(read(res.gradient), expected);
      report(
        `condition F = grad G, ${solve.kind} (${res.diagnostics.iterations} products) rel. error`,
        err,
      );
      expect(err).toBeLessThan(TOL);
      res.adjoint.dispose();
    }
    for (const t of [solution, params, g]) t.dispose();
  });

  it('non-symmetric fixed-point condition theta = tanh(M theta + N phi)', () => {
    const p = fixedPointProblem();
    const expected = referenceHypergradient(p);
    const thetaStar = p.solve64(p.phi);
    const solution = f32(thetaStar);
    const params = f32(p.phi);
    const g = f32(p.outerGrad64(thetaStar));
    for (const solve of [
      { kind: 'bicgstab' },
      { kind: 'normal-cg', maxIter: 60, tol: 1e-7 },
      { kind: 'direct' },
    ] as const) {
      const res = implicitGradientFromCondition({
        condition: p.condition,
        solution,
        params,
        outerGradient: g,
        solve,
      });
      const err = relativeError(read(res.gradient), expected);
      report(`fixed point, ${solve.kind} (${res.diagnostics.iterations} products) rel. error`, err);
      expect(err).toBeLessThan(TOL);
      expect(res.diagnostics.warnings).toEqual([]);
      res.adjoint.dispose();
    }
    for (const t of [solution, params, g]) t.dispose();
  });
});

describe('memory', () => {
  it('tf.memory().numTensors is stable across repeated calls', () => {
    const p = logSumExpProblem();
    const fp = fixedPointProblem();
    const thetaStar = round32(p.solve64(p.phi));
    const solution = f32(thetaStar);
    const params = f32(p.phi);
    const g = f32(p.outerGrad64(thetaStar));
    const fpSolution = f32(fp.solve64(fp.phi));
    const fpParams = f32(fp.phi);
    const fpG = f32(fp.outerGrad64(fp.solve64(fp.phi)));
    const run = () => {
      for (const hvp of [{}, { mode: 'finite-difference' as const }]) {
        const r = implicitGradient({
          objective: p.G,
          sense: p.sense,
          solution,
          params,
          outerGradient: g,
          hvp,
        });
        r.gradient.dispose();
        r.adjoint.dispose();
      }
      const c = implicitGradientFromCondition({
        condition: fp.condition,
        solution: fpSolution,
        params: fpParams,
        outerGradient: fpG,
        solve: { kind: 'normal-cg' },
      });
      c.gradient.dispose();
      c.adjoint.dispose();
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    for (const t of [solution, params, g, fpSolution, fpParams, fpG]) t.dispose();
  });
});
