/**
 * Generalized advantage estimation (Schulman et al. 2016):
 * delta_t = r_t + gamma V(s_{t+1}) - V(s_t), A_t = sum_k (gamma lambda)^k delta_{t+k}.
 *
 * `values` holds V(s_0..s_{T-1}); `bootstrap` is V(s_T) (0 for a terminal end; the baseline's
 * value of the last state when the episode was cut by the time limit). With lambda = 1 this is
 * the discounted return-to-go minus the baseline; with lambda = 0, the one-step TD residual.
 */
export function generalizedAdvantages(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  gamma: number,
  lambda: number,
  bootstrap = 0,
): Float64Array {
  const n = rewards.length;
  if (values.length !== n) {
    throw new RangeError(`generalizedAdvantages: ${n} rewards but ${values.length} values`);
  }
  if (!(gamma >= 0 && gamma <= 1))
    throw new RangeError(`generalizedAdvantages: gamma must be in [0, 1], got ${gamma}`);
  if (!(lambda >= 0 && lambda <= 1)) {
    throw new RangeError(`generalizedAdvantages: lambda must be in [0, 1], got ${lambda}`);
  }
  const out = new Float64Array(n);
  let acc = 0;
  for (let t = n - 1; t >= 0; t--) {
    const next = t + 1 < n ? values[t + 1]! : bootstrap;
    const delta = rewards[t]! + gamma * next - values[t]!;
    acc = delta + gamma * lambda * acc;
    out[t] = acc;
  }
  return out;
}

/**
 * The shift and scale {@link normalizeAdvantages} applies: A -> (A - shift) / scale with the
 * mean and the population standard deviation plus `epsilon` (n = 0: shift 0, scale 1).
 */
export function advantageNormalization(
  advantages: ArrayLike<number>,
  epsilon = 1e-8,
): { readonly shift: number; readonly scale: number } {
  const n = advantages.length;
  if (n === 0) return { shift: 0, scale: 1 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += advantages[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (advantages[i]! - mean) ** 2;
  return { shift: mean, scale: Math.sqrt(variance / n) + epsilon };
}

/** Shifts and scales to mean 0, standard deviation 1 (population); returns a new array. */
export function normalizeAdvantages(advantages: ArrayLike<number>, epsilon = 1e-8): Float64Array {
  const { shift, scale } = advantageNormalization(advantages, epsilon);
  return Float64Array.from(advantages, (a) => (a - shift) / scale);
}
