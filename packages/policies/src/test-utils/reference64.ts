/*
 * Float64 plain-TypeScript references of every policy's distribution, log-probability, entropy
 * and KL divergence. They share no code with the tfjs implementation (no tfjs at all), so a
 * gradient or Hessian-vector product of the tfjs code that matches central finite differences
 * of these is checked against an independent derivation.
 */

export type Dist64 =
  | { kind: 'categorical'; batch: number; width: number; logits: Float64Array }
  | { kind: 'gaussian'; batch: number; width: number; mean: Float64Array; logStd: Float64Array };

/** A policy reference: flat float64 params -> distribution at the fixed test observations. */
export type PolicyRef64 = (params: Float64Array) => Dist64;

/** tanh MLP in float64; returns the outputs and the offset after its parameters. */
export function mlp64(
  p: Float64Array,
  offset: number,
  x: Float64Array,
  sizes: readonly number[],
): { out: Float64Array; next: number } {
  let h = x;
  let off = offset;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inDim = sizes[l]!;
    const outDim = sizes[l + 1]!;
    const rows = h.length / inDim;
    const next = new Float64Array(rows * outDim);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < outDim; j++) {
        let s = p[off + inDim * outDim + j]!;
        for (let k = 0; k < inDim; k++) s += h[r * inDim + k]! * p[off + k * outDim + j]!;
        next[r * outDim + j] = l + 2 < sizes.length ? Math.tanh(s) : s;
      }
    }
    off += inDim * outDim + outDim;
    h = next;
  }
  return { out: h, next: off };
}

/** (x - mean) / sqrt(var + eps) clipped to [-clip, clip], per column. */
export function normalize64(
  x: Float64Array,
  stats: { mean: ArrayLike<number>; var: ArrayLike<number>; clip: number; epsilon: number },
): Float64Array {
  const dim = stats.mean.length;
  return x.map((v, i) => {
    const d = i % dim;
    const z = (v - stats.mean[d]!) / Math.sqrt(stats.var[d]! + stats.epsilon);
    return Math.min(stats.clip, Math.max(-stats.clip, z));
  });
}

export function logSoftmaxRow(logits: Float64Array, row: number, width: number): Float64Array {
  const z = logits.subarray(row * width, row * width + width);
  const m = Math.max(...z);
  let s = 0;
  for (const v of z) s += Math.exp(v - m);
  const lse = m + Math.log(s);
  return z.map((v) => v - lse);
}

/** log pi(a_i | s_i); actions are indices (categorical) or row-major vectors (gaussian). */
export function logProb64(d: Dist64, actions: ArrayLike<number>): Float64Array {
  const out = new Float64Array(d.batch);
  for (let b = 0; b < d.batch; b++) {
    if (d.kind === 'categorical') {
      out[b] = logSoftmaxRow(d.logits, b, d.width)[actions[b]!]!;
    } else {
      let s = 0;
      for (let k = 0; k < d.width; k++) {
        const ls = d.logStd[k]!;
        const z = (actions[b * d.width + k]! - d.mean[b * d.width + k]!) / Math.exp(ls);
        s += -0.5 * z * z - ls - 0.5 * Math.log(2 * Math.PI);
      }
      out[b] = s;
    }
  }
  return out;
}

export function entropy64(d: Dist64): Float64Array {
  const out = new Float64Array(d.batch);
  for (let b = 0; b < d.batch; b++) {
    if (d.kind === 'categorical') {
      const lp = logSoftmaxRow(d.logits, b, d.width);
      out[b] = -lp.reduce((s, v) => s + Math.exp(v) * v, 0);
    } else {
      out[b] = d.logStd.reduce((s, v) => s + v + 0.5 * Math.log(2 * Math.PI * Math.E), 0);
    }
  }
  return out;
}

/** KL(P || Q) per state. */
export function kl64(p: Dist64, q: Dist64): Float64Array {
  const out = new Float64Array(p.batch);
  for (let b = 0; b < p.batch; b++) {
    if (p.kind === 'categorical' && q.kind === 'categorical') {
      const lp = logSoftmaxRow(p.logits, b, p.width);
      const lq = logSoftmaxRow(q.logits, b, q.width);
      out[b] = lp.reduce((s, v, a) => s + Math.exp(v) * (v - lq[a]!), 0);
    } else if (p.kind === 'gaussian' && q.kind === 'gaussian') {
      let s = 0;
      for (let k = 0; k < p.width; k++) {
        const vp = Math.exp(2 * p.logStd[k]!);
        const vq = Math.exp(2 * q.logStd[k]!);
        const dm = p.mean[b * p.width + k]! - q.mean[b * p.width + k]!;
        s += q.logStd[k]! - p.logStd[k]! + (vp + dm * dm) / (2 * vq) - 0.5;
      }
      out[b] = s;
    } else {
      throw new Error('kl64: distributions of different kinds');
    }
  }
  return out;
}

export const mean64 = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
};

/** Reference of TabularSoftmaxPolicy at fixed states. */
export function tabularRef(states: readonly number[], nActions: number): PolicyRef64 {
  return (p) => {
    const logits = new Float64Array(states.length * nActions);
    states.forEach((s, b) => {
      for (let a = 0; a < nActions; a++) logits[b * nActions + a] = p[s * nActions + a]!;
    });
    return { kind: 'categorical', batch: states.length, width: nActions, logits };
  };
}

/** Reference of CategoricalMLPPolicy at fixed (already normalized, if at all) observations. */
export function categoricalMlpRef(
  obs: Float64Array,
  obsDim: number,
  hidden: readonly number[],
  nActions: number,
): PolicyRef64 {
  return (p) => ({
    kind: 'categorical',
    batch: obs.length / obsDim,
    width: nActions,
    logits: mlp64(p, 0, obs, [obsDim, ...hidden, nActions]).out,
  });
}

/** Reference of GaussianMLPPolicy (log-std clamped at log(minStd)). */
export function gaussianMlpRef(
  obs: Float64Array,
  obsDim: number,
  hidden: readonly number[],
  actDim: number,
  minStd: number,
): PolicyRef64 {
  return (p) => {
    const { out, next } = mlp64(p, 0, obs, [obsDim, ...hidden, actDim]);
    const logStd = p
      .slice(next, next + actDim)
      .map((v) => (minStd > 0 ? Math.max(v, Math.log(minStd)) : v));
    return { kind: 'gaussian', batch: obs.length / obsDim, width: actDim, mean: out, logStd };
  };
}
