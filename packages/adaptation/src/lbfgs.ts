import { AdaptationError, checkInteger, checkPositive } from './errors';

/**
 * L-BFGS on the fixed data: a curvature-aware solver for MLP lower levels, where first-order
 * steps (Adam at lr 1e-3, the authors' choice) leave ||grad G|| far from 0 within 50 steps and
 * the implicit gradient's stationarity assumption fails. Each iteration costs one value+gradient
 * evaluation (plus backtracking ones when the first trial step does not give sufficient
 * ascent); no Hessian-vector products. Warm-started from theta0 (= phi in the operator).
 * Experimental for large MLPs: it has no step cap, and on HalfCheetahVel's importance-ratio
 * objective (17-128-128-6, lambda 0.5) it was measured to diverge (see the locomotion example).
 */
export interface LbfgsSolver {
  readonly kind: 'lbfgs';
  /** Iteration cap (default 50). */
  readonly maxSteps?: number;
  /** Stop when ||grad_theta G||_2 <= tol (default 1e-5). */
  readonly tol?: number;
  /** Curvature pairs kept (default 10). */
  readonly memory?: number;
  /**
   * Length of the first trial step along the gradient, in parameter units of its largest entry
   * (default 0.01): later steps take their scale from the curvature pairs.
   */
  readonly firstStep?: number;
}

/** What an L-BFGS run needs from the objective: G and grad G at a host vector. */
export type ValueAndGradient = (x: Float64Array) => { value: number; grad: Float64Array };

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * Maximizes G from x0 (modified in place and returned) with the two-loop recursion and an
 * Armijo backtracking line search. Returns the iterate and the number of iterations taken.
 */
export function lbfgsMaximize(
  evaluate: ValueAndGradient,
  x0: Float64Array,
  solver: LbfgsSolver,
): { x: Float64Array; steps: number; evaluations: number } {
  const { maxSteps = 50, tol = 1e-5, memory = 10, firstStep = 0.01 } = solver;
  checkInteger(maxSteps, 'maxSteps', 'lbfgs solver', 0);
  checkPositive(tol, 'tol', 'lbfgs solver');
  checkInteger(memory, 'memory', 'lbfgs solver', 1);
  checkPositive(firstStep, 'firstStep', 'lbfgs solver');
  const n = x0.length;
  const x = x0;
  // minimize h = -G: q = grad h = -grad G
  let { value, grad } = evaluate(x);
  let h = -value;
  let q = grad.map((g) => -g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let evaluations = 1;
  let steps = 0;
  for (; steps < maxSteps; steps++) {
    if (Math.sqrt(dot(q, q)) <= tol) break;
    // two-loop recursion: d = -H q
    const d = q.map((v) => -v);
    const alpha = new Array<number>(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(S[k]!, d);
      for (let i = 0; i < n; i++) d[i] = d[i]! - alpha[k]! * Y[k]![i]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    } else {
      let top = 0;
      for (const v of d) top = Math.max(top, Math.abs(v));
      for (let i = 0; i < n; i++) d[i] = (d[i]! * firstStep) / top;
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k]! * dot(Y[k]!, d);
      for (let i = 0; i < n; i++) d[i] = d[i]! + (alpha[k]! - beta) * S[k]![i]!;
    }
    let slope = dot(q, d);
    if (!(slope < 0)) {
      // not a descent direction of h (float32 noise in the pairs): restart from the gradient
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      let top = 0;
      for (const v of q) top = Math.max(top, Math.abs(v));
      for (let i = 0; i < n; i++) d[i] = (-q[i]! * firstStep) / top;
      slope = dot(q, d);
    }
    let a = 1;
    let trial: { value: number; grad: Float64Array } | null = null;
    const xNew = new Float64Array(n);
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + a * d[i]!;
      const t = evaluate(xNew);
      evaluations++;
      const armijo = -t.value <= h + 1e-4 * a * slope;
      // Near the maximum the ascent a step buys falls below float32 resolution of G (values
      // come from tfjs); then accept a step that leaves G unchanged within that resolution and
      // shrinks the gradient.
      const flat =
        Math.abs(-t.value - h) <= 1e-6 * Math.max(1, Math.abs(h)) &&
        dot(t.grad, t.grad) < dot(q, q);
      if (Number.isFinite(t.value) && (armijo || flat)) {
        trial = t;
        break;
      }
      a *= 0.5;
    }
    if (!trial) break; // no ascent along d at float32 resolution: as stationary as it gets
    const qNew = trial.grad.map((g) => -g);
    const s = xNew.map((v, i) => v - x[i]!);
    const y = qNew.map((v, i) => v - q[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    x.set(xNew);
    h = -trial.value;
    q = qNew;
    ({ value, grad } = trial);
  }
  if (!Number.isFinite(h)) throw new AdaptationError('lbfgs solver: the objective is not finite');
  return { x, steps, evaluations };
}
