import type { TabularModel } from '@bomrl/envs/tabular';
import { returnAndGradient64 } from './finite-horizon';
import {
  adaptExact64,
  distance64,
  lowerLevelData64,
  lowerLevelGradient64,
  type ReferenceOperator,
  solveConstrained64,
  solvePenalized64,
  stateProblems,
} from './lower-level';
import { gaugedNegHessian, type StateProblem, solveFlat, stateObjective } from './state-problem';

/**
 * The implicit-function-theorem hypergradient in float64, for penalty operators:
 * v = H^{-1} g with H = -Hess_theta G (block diagonal, gauged), then
 * d/dphi_j <grad_theta G(theta', phi), v> by central differences of the analytic
 * grad_theta G in phi (theta' and v fixed). Independent of the library's code paths.
 */
export function iftHypergradient64(
  models: readonly TabularModel[],
  phi: Float64Array,
  op: Extract<ReferenceOperator, { kind: 'penalty' }>,
  h = 1e-6,
): Float64Array {
  const out = new Float64Array(phi.length);
  const A = models[0]!.nActions;
  for (const model of models) {
    const theta = solvePenalized64(model, phi, op.distance, op.lambda);
    const { grad: g } = returnAndGradient64(model, theta);
    const v = new Float64Array(theta.length);
    stateProblems(model, phi, op.distance, op.lambda).forEach((pr, s) => {
      const th = theta.subarray(s * A, s * A + A);
      const { hess } = stateObjective(pr, th);
      const gauge = op.distance !== 'l2';
      if (gauge && pr.w === 0) return; // theta_s is pinned to phi_s: handled below
      v.set(solveFlat(gaugedNegHessian(hess, A, gauge), g.subarray(s * A, s * A + A), A), s * A);
    });
    const x = Float64Array.from(phi);
    const dot = (a: Float64Array) => a.reduce((s, ai, i) => s + ai * v[i]!, 0);
    for (let j = 0; j < phi.length; j++) {
      x[j] = phi[j]! + h;
      const up = dot(lowerLevelGradient64(model, x, theta, op.distance, op.lambda));
      x[j] = phi[j]! - h;
      const down = dot(lowerLevelGradient64(model, x, theta, op.distance, op.lambda));
      x[j] = phi[j]!;
      out[j]! += (up - down) / (2 * h);
    }
    // states with nu = 0 under a KL distance keep theta_s = phi_s: dtheta_s/dphi_s = I
    if (op.distance !== 'l2') {
      const { visitation } = lowerLevelData64(model, phi);
      for (let s = 0; s < model.nStates; s++) {
        if (visitation[s] !== 0) continue;
        for (let a = 0; a < A; a++) out[s * A + a]! += g[s * A + a]!;
      }
    }
  }
  return out.map((x) => x / models.length);
}

/**
 * MAML's exact meta-gradient in float64: theta = phi + alpha grad J(phi), so
 * dJ(theta)/dphi = (I + alpha Hess J(phi)) grad J(theta), with Hess J(phi) v by central
 * differences of the analytic policy gradient (symmetric, so no transpose is needed).
 */
export function mamlHypergradient64(
  models: readonly TabularModel[],
  phi: Float64Array,
  alpha: number,
  h = 1e-6,
): Float64Array {
  const out = new Float64Array(phi.length);
  for (const model of models) {
    const theta = adaptExact64(model, phi, { kind: 'maml', alpha });
    const { grad: g } = returnAndGradient64(model, theta);
    const plus = phi.map((p, i) => p + h * g[i]!);
    const minus = phi.map((p, i) => p - h * g[i]!);
    const gp = returnAndGradient64(model, plus).grad;
    const gm = returnAndGradient64(model, minus).grad;
    for (let i = 0; i < phi.length; i++) out[i]! += g[i]! + (alpha * (gp[i]! - gm[i]!)) / (2 * h);
  }
  return out.map((x) => x / models.length);
}

/**
 * The constrained operator's hypergradient in float64 (KKT / implicit function theorem):
 * theta(phi) = theta_pen(phi, mu(phi)) with D2(phi, theta) = delta. With H = -Hess G_mu,
 * v = H^{-1} g, w = H^{-1} grad_theta D2 and M_j = d/dphi_j grad_theta G_mu (central
 * differences of the analytic gradient):
 *   dmu/dphi_j = (dD2/dphi_j + w . M_j) / (grad_theta D2 . w)
 *   dF/dphi_j = v . M_j - (v . grad_theta D2) dmu/dphi_j
 */
export function constrainedHypergradient64(
  models: readonly TabularModel[],
  phi: Float64Array,
  distance: StateProblem['distance'],
  delta: number,
  h = 1e-6,
): Float64Array {
  const out = new Float64Array(phi.length);
  const A = models[0]!.nActions;
  for (const model of models) {
    const { theta, multiplier: mu } = solveConstrained64(model, phi, distance, delta);
    const { grad: g } = returnAndGradient64(model, theta);
    // grad_theta D2 = (grad_theta L - grad_theta G_mu) / mu
    const gL = lowerLevelGradient64(model, phi, theta, distance, 0);
    const gG = lowerLevelGradient64(model, phi, theta, distance, mu);
    const dD = gL.map((x, i) => (x - gG[i]!) / mu);
    const v = new Float64Array(theta.length);
    const w = new Float64Array(theta.length);
    const gauge = distance !== 'l2';
    stateProblems(model, phi, distance, mu).forEach((pr, s) => {
      if (gauge && pr.w === 0) return;
      const { hess } = stateObjective(pr, theta.subarray(s * A, s * A + A));
      const m = gaugedNegHessian(hess, A, gauge);
      v.set(solveFlat(m, g.subarray(s * A, s * A + A), A), s * A);
      w.set(solveFlat(m, dD.subarray(s * A, s * A + A), A), s * A);
    });
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let t = 0;
      for (let i = 0; i < a.length; i++) t += a[i]! * b[i]!;
      return t;
    };
    const vD = dot(v, dD);
    const wD = dot(w, dD);
    const x = Float64Array.from(phi);
    for (let j = 0; j < phi.length; j++) {
      x[j] = phi[j]! + h;
      const gUp = lowerLevelGradient64(model, x, theta, distance, mu);
      const dUp = distance64(model, x, theta, distance);
      x[j] = phi[j]! - h;
      const gDown = lowerLevelGradient64(model, x, theta, distance, mu);
      const dDown = distance64(model, x, theta, distance);
      x[j] = phi[j]!;
      const Mj = gUp.map((u, i) => (u - gDown[i]!) / (2 * h));
      const dmu = ((dUp - dDown) / (2 * h) + dot(w, Mj)) / wD;
      out[j]! += dot(v, Mj) - vD * dmu;
    }
    if (gauge) {
      const { visitation } = lowerLevelData64(model, phi);
      for (let s = 0; s < model.nStates; s++) {
        if (visitation[s] !== 0) continue;
        for (let a = 0; a < A; a++) out[s * A + a]! += g[s * A + a]!;
      }
    }
  }
  return out.map((x) => x / models.length);
}
