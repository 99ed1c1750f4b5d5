import { adaptationTerms, type TabularModel } from '@bomrl/envs/tabular';

/**
 * The float64 ground truth for exact-mode BO-MRL and MAML on tabular tasks (ALGORITHM.md
 * sections 1-3): the lower-level solution theta'(phi) solved per state by safeguarded Newton to
 * ||grad|| < 1e-12, the meta-objective F(phi) = mean_tau J_tau(theta'_tau(phi)), its central
 * finite differences, and an implicit-function-theorem hypergradient computed independently in
 * float64. Plain TypeScript, no tfjs: the library's float32 gradients are checked against this.
 *
 * Conventions (ALGORITHM.md, tabular): softmax logits, row-major [state][action]; L and the KL
 * distances weight states by the NORMALIZED finite-horizon discounted visitation nu^phi and use
 * the STATIONARY discounted advantage A^phi; J is the finite-horizon return. Gauge: for the KL
 * distances each state's mean logit is kept equal to phi's (states with nu = 0 stay at phi).
 */

/** The lower-level operator of the reference. */
export type ReferenceOperator =
  | {
      readonly kind: 'penalty';
      readonly distance: 'forward-kl' | 'reverse-kl' | 'l2';
      readonly lambda: number;
    }
  | {
      readonly kind: 'constrained';
      readonly distance: 'forward-kl' | 'reverse-kl' | 'l2';
      readonly delta: number;
    }
  | { readonly kind: 'maml'; readonly alpha: number };

/** Row-wise softmax of a logits table. */
export function softmaxTable(logits: Float64Array, nActions: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let s = 0; s < logits.length / nActions; s++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < nActions; a++) m = Math.max(m, logits[s * nActions + a]!);
    let z = 0;
    for (let a = 0; a < nActions; a++) z += Math.exp(logits[s * nActions + a]! - m);
    for (let a = 0; a < nActions; a++)
      out[s * nActions + a] = Math.exp(logits[s * nActions + a]! - m) / z;
  }
  return out;
}

/** One forward/backward pass of a stationary policy over the finite horizon (float64). */
export interface FiniteHorizonPass {
  /** State distributions d_t, t = 0..H-1. */
  readonly distributions: readonly Float64Array[];
  /** G(s, a) = sum_t gamma^t d_t(s) Q_t(s, a), with Q_t the time-t action value. */
  readonly weightedQ: Float64Array;
  /** J = E[sum_{t<H} gamma^t r_t]. */
  readonly J: number;
}

/**
 * The exact finite-horizon pass of the policy table pi: forward state distributions, then a
 * backward induction of V_t and Q_t accumulating gamma^t d_t(s) Q_t(s, a). Both the policy
 * gradient (policy-gradient theorem) and the finite-horizon visitation-weighted Q come from it.
 */
export function finiteHorizonPass(model: TabularModel, pi: Float64Array): FiniteHorizonPass {
  const S = model.nStates;
  const A = model.nActions;
  const H = model.horizon;
  const d: Float64Array[] = [Float64Array.from(model.initial)];
  for (let t = 1; t < H; t++) {
    const prev = d[t - 1]!;
    const next = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      if (prev[s] === 0) continue;
      for (let a = 0; a < A; a++) {
        const w = prev[s]! * pi[s * A + a]!;
        if (w === 0) continue;
        for (let s2 = 0; s2 < S; s2++) next[s2]! += w * model.P[(s * A + a) * S + s2]!;
      }
    }
    d.push(next);
  }
  const G = new Float64Array(S * A);
  let vNext = new Float64Array(S);
  let J = 0;
  for (let t = H - 1; t >= 0; t--) {
    const v = new Float64Array(S);
    const discount = model.gamma ** t;
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) {
        let q = model.R[s * A + a]!;
        for (let s2 = 0; s2 < S; s2++)
          q += model.gamma * model.P[(s * A + a) * S + s2]! * vNext[s2]!;
        v[s]! += pi[s * A + a]! * q;
        G[s * A + a]! += discount * d[t]![s]! * q;
      }
    }
    if (t === 0) for (let s = 0; s < S; s++) J += model.initial[s]! * v[s]!;
    vNext = v;
  }
  return { distributions: d, weightedQ: G, J };
}

/**
 * Finite-horizon return J of the softmax policy with these logits and its exact gradient
 * (policy-gradient theorem with time-dependent Q_t, then the softmax Jacobian).
 */
export function returnAndGradient(
  model: TabularModel,
  logits: Float64Array,
): { J: number; grad: Float64Array } {
  const S = model.nStates;
  const A = model.nActions;
  const pi = softmaxTable(logits, A);
  const { weightedQ: G, J } = finiteHorizonPass(model, pi);
  const grad = new Float64Array(S * A);
  for (let s = 0; s < S; s++) {
    let mean = 0;
    for (let a = 0; a < A; a++) mean += pi[s * A + a]! * G[s * A + a]!;
    for (let a = 0; a < A; a++) grad[s * A + a] = pi[s * A + a]! * (G[s * A + a]! - mean);
  }
  return { J, grad };
}

/** nu^phi and A^phi of the softmax policy phi (ALGORITHM.md's tabular convention). */
export function lowerLevelData(model: TabularModel, phi: Float64Array) {
  const terms = adaptationTerms(model, softmaxTable(phi, model.nActions));
  return { visitation: terms.visitation, advantages: terms.A };
}

/** One state's lower-level problem. */
export interface StateProblem {
  readonly w: number; // nu(s)
  readonly adv: Float64Array; // A(s, .)
  readonly phi: Float64Array; // phi's logits of s
  readonly p: Float64Array; // pi_phi(.|s)
  readonly distance: 'forward-kl' | 'reverse-kl' | 'l2';
  readonly lambda: number;
}

function softmaxRow(x: Float64Array): Float64Array {
  return softmaxTable(x, x.length);
}

/** G_s, its gradient and Hessian in theta_s (float64, analytic). Exported for its own tests. */
export function stateObjective(pr: StateProblem, theta: Float64Array) {
  const n = theta.length;
  const q = softmaxRow(theta);
  let f = 0;
  for (let i = 0; i < n; i++) f += q[i]! * pr.adv[i]!;
  const grad = new Float64Array(n);
  const hess = new Float64Array(n * n);
  // L_s = w <q, adv>
  for (let i = 0; i < n; i++) {
    grad[i] = pr.w * q[i]! * (pr.adv[i]! - f);
    for (let j = 0; j < n; j++) {
      hess[i * n + j] =
        pr.w *
        (q[i]! * ((i === j ? 1 : 0) - q[j]!) * (pr.adv[i]! - f) - q[i]! * q[j]! * (pr.adv[j]! - f));
    }
  }
  let dist = 0;
  if (pr.distance === 'l2') {
    for (let i = 0; i < n; i++) {
      const diff = theta[i]! - pr.phi[i]!;
      dist += diff * diff;
      grad[i]! -= pr.lambda * 2 * diff;
      hess[i * n + i]! -= pr.lambda * 2;
    }
  } else if (pr.distance === 'forward-kl') {
    // KL(p || q): grad q - p, Hessian diag(q) - q q^T
    let lseTheta = 0;
    const m = Math.max(...theta);
    for (let i = 0; i < n; i++) lseTheta += Math.exp(theta[i]! - m);
    lseTheta = m + Math.log(lseTheta);
    for (let i = 0; i < n; i++)
      dist += pr.p[i]! > 0 ? pr.p[i]! * (Math.log(pr.p[i]!) - (theta[i]! - lseTheta)) : 0;
    dist *= pr.w;
    for (let i = 0; i < n; i++) {
      grad[i]! -= pr.lambda * pr.w * (q[i]! - pr.p[i]!);
      for (let j = 0; j < n; j++)
        hess[i * n + j]! -= pr.lambda * pr.w * ((i === j ? q[i]! : 0) - q[i]! * q[j]!);
    }
  } else {
    // KL(q || p) with c = log q - log p: grad q (c - K), Hessian as derived in the README
    const c = new Float64Array(n);
    let K = 0;
    for (let i = 0; i < n; i++) {
      c[i] = Math.log(q[i]!) - Math.log(pr.p[i]!);
      K += q[i]! * c[i]!;
    }
    dist = pr.w * K;
    for (let i = 0; i < n; i++) {
      grad[i]! -= pr.lambda * pr.w * q[i]! * (c[i]! - K);
      for (let j = 0; j < n; j++) {
        const dij = i === j ? 1 : 0;
        const h =
          q[i]! * (dij - q[j]!) * (c[i]! - K) + q[i]! * (dij - q[j]!) - q[i]! * q[j]! * (c[j]! - K);
        hess[i * n + j]! -= pr.lambda * pr.w * h;
      }
    }
  }
  const value = pr.w * f - (pr.distance === 'l2' ? pr.lambda * dist : pr.lambda * dist);
  return { value, grad, hess, dist };
}

/** Solves a small dense system by Gaussian elimination with partial pivoting. */
export function solveDense(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r * n + col]!) > Math.abs(m[piv * n + col]!)) piv = r;
    if (m[piv * n + col] === 0) throw new Error('solveDense: singular matrix');
    if (piv !== col) {
      for (let k = 0; k < n; k++)
        [m[col * n + k], m[piv * n + k]] = [m[piv * n + k]!, m[col * n + k]!];
      [x[col], x[piv]] = [x[piv]!, x[col]!];
    }
    for (let r = col + 1; r < n; r++) {
      const f = m[r * n + col]! / m[col * n + col]!;
      if (f === 0) continue;
      for (let k = col; k < n; k++) m[r * n + k]! -= f * m[col * n + k]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

/**
 * -Hessian made invertible along the per-state ones direction (the softmax gauge): adds
 * c 1 1^T with c the Hessian's own scale (its largest diagonal magnitude), so the added
 * direction is neither negligible nor overwhelming next to tiny-weight states' curvature. The
 * solution of (-H + c 1 1^T) x = b is independent of c whenever b is orthogonal to 1.
 */
function gaugedNegHessian(hess: Float64Array, n: number, gauge: boolean): Float64Array {
  let c = 0;
  for (let i = 0; i < n; i++) c = Math.max(c, Math.abs(hess[i * n + i]!));
  if (!(c > 0)) c = 1;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) out[i] = -hess[i]! + (gauge ? c : 0);
  return out;
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

/**
 * Maximizes one state's G_s by Levenberg-Marquardt-damped Newton: solve (-H + mu w I) d = grad
 * on the gauge complement, accept the step only if it increases G_s (or, at the noise floor,
 * shrinks the gradient), shrink mu after a success and grow it after a failure. Near the optimum
 * mu -> 0 and the iteration is Newton's (quadratic convergence); far from it the damping keeps
 * every step an ascent step, so it cannot jump onto a saturated-softmax plateau.
 */
function solveState(pr: StateProblem, tol: number): Float64Array {
  const n = pr.phi.length;
  const gauge = pr.distance !== 'l2';
  if (pr.w === 0 && gauge) return Float64Array.from(pr.phi);
  // The KL problems are w * (...) and every gradient term scales with (1 + lambda): stop on the
  // gradient relative to that scale, so huge lambda (the constrained search) is not held to an
  // absolute tolerance below its rounding floor.
  const scale = (gauge ? pr.w : 1) * (1 + pr.lambda);
  let theta = Float64Array.from(pr.phi);
  let cur = stateObjective(pr, theta);
  let mu = 1e-3;
  for (let iter = 0; iter < 1000; iter++) {
    const gnorm = norm(cur.grad);
    if (gnorm / scale < tol) {
      assertStrictMaximum(cur.hess, n, gauge, scale, pr);
      return theta;
    }
    const m = gaugedNegHessian(cur.hess, n, gauge);
    for (let i = 0; i < n; i++) m[i * n + i]! += mu * scale;
    let dir = solveDense(m, cur.grad, n);
    // Trust region of radius 1 in logits: a long step can land on a saturated-softmax plateau
    // whose vanishing gradient looks like convergence (ALGORITHM.md's solver pitfall).
    const dn = norm(dir);
    if (dn > 1) dir = dir.map((d) => d / dn);
    const next = theta.map((t, i) => t + dir[i]!);
    const cand = stateObjective(pr, next);
    const noiseFloor = 1e-13 * (Math.abs(cur.value) + scale);
    const better =
      cand.value > cur.value || (cand.value >= cur.value - noiseFloor && norm(cand.grad) < gnorm);
    if (better && next.every(Number.isFinite)) {
      theta = next;
      cur = cand;
      mu = Math.max(mu / 10, 1e-12);
    } else {
      mu *= 10;
    }
  }
  throw new Error(
    `float64 reference: the per-state solver did not reach its tolerance (w=${pr.w}, |grad|=${norm(cur.grad)}, ${pr.distance}, lambda=${pr.lambda})`,
  );
}

/**
 * Second-order check at a claimed solution: -Hess G_s (gauged) must be positive definite, so the
 * point is a strict local maximum and not a plateau or saddle the gradient test mistook for one.
 */
function assertStrictMaximum(
  hess: Float64Array,
  n: number,
  gauge: boolean,
  scale: number,
  pr: StateProblem,
) {
  const m = gaugedNegHessian(hess, n, gauge);
  // Cholesky: every pivot must stay clearly positive relative to the problem's scale
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let v = m[i * n + j]!;
      for (let k = 0; k < j; k++) v -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        // Saturated optima (q_a ~ 1e-8) have genuinely tiny curvature, so only a pivot that is
        // not clearly positive (a flat plateau or a saddle) is rejected.
        if (!(v > 1e-16 * scale)) {
          throw new Error(
            `float64 reference: the per-state solution is not a strict maximum (plateau or saddle; w=${pr.w}, ${pr.distance}, lambda=${pr.lambda})`,
          );
        }
        l[i * n + i] = Math.sqrt(v);
      } else l[i * n + j] = v / l[j * n + j]!;
    }
  }
}

function stateProblems(
  model: TabularModel,
  phi: Float64Array,
  distance: StateProblem['distance'],
  lambda: number,
) {
  const { visitation, advantages } = lowerLevelData(model, phi);
  const A = model.nActions;
  const p = softmaxTable(phi, A);
  return Array.from({ length: model.nStates }, (_, s) => ({
    w: visitation[s]!,
    adv: advantages.subarray(s * A, s * A + A),
    phi: phi.subarray(s * A, s * A + A),
    p: p.subarray(s * A, s * A + A),
    distance,
    lambda,
  }));
}

/** theta' = argmax_theta L(theta; phi) - lambda D2(phi, theta), solved to ||grad|| < tol. */
export function solvePenalized(
  model: TabularModel,
  phi: Float64Array,
  distance: StateProblem['distance'],
  lambda: number,
  tol = 1e-12,
): Float64Array {
  const A = model.nActions;
  const theta = new Float64Array(phi.length);
  stateProblems(model, phi, distance, lambda).forEach((pr, s) =>
    theta.set(solveState(pr, tol), s * A),
  );
  return theta;
}

/** D2(phi, theta) with phi's visitation weights (KL distances) or the plain l2 norm. */
export function distanceValue(
  model: TabularModel,
  phi: Float64Array,
  theta: Float64Array,
  distance: StateProblem['distance'],
): number {
  const A = model.nActions;
  return stateProblems(model, phi, distance, 1).reduce(
    (sum, pr, s) => sum + stateObjective(pr, theta.subarray(s * A, s * A + A)).dist,
    0,
  );
}

/** The penalized solution at the lambda where D2 = delta (bisection in log lambda), or lambda -> 0+. */
export function solveConstrained(
  model: TabularModel,
  phi: Float64Array,
  distance: StateProblem['distance'],
  delta: number,
): { theta: Float64Array; multiplier: number } {
  // D2(theta'(lambda)) decreases in lambda: bracket D2 = delta by factors of 4 from lambda = 1
  // (a tiny lambda would saturate the softmax and the solve would be meaningless).
  const at = (logLambda: number) => solvePenalized(model, phi, distance, Math.exp(logLambda));
  const above = (logLambda: number) => distanceValue(model, phi, at(logLambda), distance) > delta;
  let lo = 0;
  let hi = 0;
  while (above(hi)) {
    hi += Math.log(4);
    if (hi > Math.log(1e8))
      throw new Error('float64 reference: cannot bracket D2 = delta from above');
  }
  lo = hi;
  while (!above(lo)) {
    lo -= Math.log(4);
    if (lo < Math.log(1e-4)) {
      throw new Error(
        'float64 reference: D2 <= delta even at lambda 1e-4: the constraint is inactive',
      );
    }
  }
  for (let i = 0; i < 200 && hi - lo > 1e-14; i++) {
    const mid = (lo + hi) / 2;
    if (distanceValue(model, phi, at(mid), distance) > delta) lo = mid;
    else hi = mid;
  }
  const multiplier = Math.exp((lo + hi) / 2);
  return { theta: at(Math.log(multiplier)), multiplier };
}

/** theta'(phi) for any reference operator. */
export function adaptExact64(
  model: TabularModel,
  phi: Float64Array,
  op: ReferenceOperator,
): Float64Array {
  if (op.kind === 'penalty') return solvePenalized(model, phi, op.distance, op.lambda);
  if (op.kind === 'constrained') return solveConstrained(model, phi, op.distance, op.delta).theta;
  const { grad } = returnAndGradient(model, phi);
  return phi.map((p, i) => p + op.alpha * grad[i]!);
}

/** F(phi) = mean over tasks of J_tau(theta'_tau(phi)). */
export function metaObjective64(
  models: readonly TabularModel[],
  phi: Float64Array,
  op: ReferenceOperator,
): number {
  return (
    models.reduce((s, m) => s + returnAndGradient(m, adaptExact64(m, phi, op)).J, 0) / models.length
  );
}

/** Central finite differences of F (step h per coordinate). */
export function finiteDifferenceHypergradient64(
  models: readonly TabularModel[],
  phi: Float64Array,
  op: ReferenceOperator,
  h = 1e-5,
): Float64Array {
  const g = new Float64Array(phi.length);
  const x = Float64Array.from(phi);
  for (let i = 0; i < phi.length; i++) {
    x[i] = phi[i]! + h;
    const fp = metaObjective64(models, x, op);
    x[i] = phi[i]! - h;
    const fm = metaObjective64(models, x, op);
    x[i] = phi[i]!;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** grad_theta G(theta, phi) with nu^phi and A^phi recomputed at phi (what phi moves). */
function lowerLevelGradient(
  model: TabularModel,
  phi: Float64Array,
  theta: Float64Array,
  distance: StateProblem['distance'],
  lambda: number,
): Float64Array {
  const A = model.nActions;
  const g = new Float64Array(theta.length);
  stateProblems(model, phi, distance, lambda).forEach((pr, s) =>
    g.set(stateObjective(pr, theta.subarray(s * A, s * A + A)).grad, s * A),
  );
  return g;
}

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
    const theta = solvePenalized(model, phi, op.distance, op.lambda);
    const { grad: g } = returnAndGradient(model, theta);
    const v = new Float64Array(theta.length);
    stateProblems(model, phi, op.distance, op.lambda).forEach((pr, s) => {
      const th = theta.subarray(s * A, s * A + A);
      const { hess } = stateObjective(pr, th);
      const gauge = op.distance !== 'l2';
      if (gauge && pr.w === 0) return; // theta_s is pinned to phi_s: handled below
      v.set(solveDense(gaugedNegHessian(hess, A, gauge), g.subarray(s * A, s * A + A), A), s * A);
    });
    const x = Float64Array.from(phi);
    const dot = (a: Float64Array) => a.reduce((s, ai, i) => s + ai * v[i]!, 0);
    for (let j = 0; j < phi.length; j++) {
      x[j] = phi[j]! + h;
      const up = dot(lowerLevelGradient(model, x, theta, op.distance, op.lambda));
      x[j] = phi[j]! - h;
      const down = dot(lowerLevelGradient(model, x, theta, op.distance, op.lambda));
      x[j] = phi[j]!;
      out[j]! += (up - down) / (2 * h);
    }
    // states with nu = 0 under a KL distance keep theta_s = phi_s: dtheta_s/dphi_s = I
    if (op.distance !== 'l2') {
      const { visitation } = lowerLevelData(model, phi);
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
    const { grad: g } = returnAndGradient(model, theta);
    const plus = phi.map((p, i) => p + h * g[i]!);
    const minus = phi.map((p, i) => p - h * g[i]!);
    const gp = returnAndGradient(model, plus).grad;
    const gm = returnAndGradient(model, minus).grad;
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
    const { theta, multiplier: mu } = solveConstrained(model, phi, distance, delta);
    const { grad: g } = returnAndGradient(model, theta);
    // grad_theta D2 = (grad_theta L - grad_theta G_mu) / mu
    const gL = lowerLevelGradient(model, phi, theta, distance, 0);
    const gG = lowerLevelGradient(model, phi, theta, distance, mu);
    const dD = gL.map((x, i) => (x - gG[i]!) / mu);
    const v = new Float64Array(theta.length);
    const w = new Float64Array(theta.length);
    const gauge = distance !== 'l2';
    stateProblems(model, phi, distance, mu).forEach((pr, s) => {
      if (gauge && pr.w === 0) return;
      const { hess } = stateObjective(pr, theta.subarray(s * A, s * A + A));
      const m = gaugedNegHessian(hess, A, gauge);
      v.set(solveDense(m, g.subarray(s * A, s * A + A), A), s * A);
      w.set(solveDense(m, dD.subarray(s * A, s * A + A), A), s * A);
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
      const gUp = lowerLevelGradient(model, x, theta, distance, mu);
      const dUp = distanceValue(model, x, theta, distance);
      x[j] = phi[j]! - h;
      const gDown = lowerLevelGradient(model, x, theta, distance, mu);
      const dDown = distanceValue(model, x, theta, distance);
      x[j] = phi[j]!;
      const Mj = gUp.map((u, i) => (u - gDown[i]!) / (2 * h));
      const dmu = ((dUp - dDown) / (2 * h) + dot(w, Mj)) / wD;
      out[j]! += dot(v, Mj) - vD * dmu;
    }
    if (gauge) {
      const { visitation } = lowerLevelData(model, phi);
      for (let s = 0; s < model.nStates; s++) {
        if (visitation[s] !== 0) continue;
        for (let a = 0; a < A; a++) out[s * A + a]! += g[s * A + a]!;
      }
    }
  }
  return out.map((x) => x / models.length);
}
