import type { ObservationNormalizer } from '../normalizer';
import { point } from './derivatives';
import { normalize64 } from './reference64';

/*
 * Setup shared by the categorical and Gaussian MLP tests: the same small network, the same
 * way of giving the normalizer statistics, and the same pair of nearby parameter points.
 */

/** Observation width of the small test MLPs. */
export const OBS = 3;
/** Hidden layers of the small test MLPs: two layers, so the tanh chain rule is exercised. */
export const HIDDEN = [5, 5];

/**
 * Feeds `statsRows` to the policy's normalizer (if it has one) and returns `obsRows` as the
 * float64 reference must see them: normalized with those statistics, or unchanged.
 */
export function referenceObs(
  policy: { readonly normalizer: ObservationNormalizer | null },
  obsRows: Float64Array,
  statsRows: Float64Array,
): Float64Array {
  policy.normalizer?.update(statsRows);
  const stats = policy.normalizer?.toJSON();
  return stats ? normalize64(obsRows, stats) : obsRows;
}

/**
 * theta = phi + 0.3 * (a fixed random direction), rounded to float32 so that the float32
 * policy and the float64 reference evaluate exactly the same point.
 */
export function nearbyPoint(phi: Float64Array): Float64Array {
  const direction = point(2, phi.length);
  return Float64Array.from(Float32Array.from(phi.map((x, i) => x + 0.3 * direction[i]!)));
}

/** `n` copies of the first `dim` numbers of `rows` (one observation), row-major. */
export function repeatFirstRow(rows: Float64Array, dim: number, n: number): number[] {
  return Array.from({ length: n }, () => Array.from(rows.subarray(0, dim))).flat();
}
