// Helpers shared by the tests (not exported from the package).
import { Rng } from './rng';

/** A random stochastic policy table: each row ~ Dirichlet(1, ..., 1). */
export function randomPolicy(nStates: number, nActions: number, rng: Rng): Float64Array {
  const p = new Float64Array(nStates * nActions);
  for (let s = 0; s < nStates; s++) {
    let sum = 0;
    for (let a = 0; a < nActions; a++) {
      const e = -Math.log(1 - rng.next());
      p[s * nActions + a] = e;
      sum += e;
    }
    for (let a = 0; a < nActions; a++) p[s * nActions + a] = (p[s * nActions + a] as number) / sum;
  }
  return p;
}

/** Mean and standard error of a sample. */
export function meanAndSE(xs: Float64Array): { mean: number; se: number } {
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let v = 0;
  for (const x of xs) v += (x - m) ** 2;
  v /= xs.length - 1;
  return { mean: m, se: Math.sqrt(v / xs.length) };
}

export { Rng };
