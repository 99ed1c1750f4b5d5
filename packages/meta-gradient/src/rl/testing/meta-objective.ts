import type { TabularModel } from '@bomrl/envs/tabular';
import { returnAndGradient64 } from './finite-horizon';
import { adaptExact64, type ReferenceOperator } from './lower-level';

/** F(phi) = mean over tasks of J_tau(theta'_tau(phi)). */
export function metaObjective64(
  models: readonly TabularModel[],
  phi: Float64Array,
  op: ReferenceOperator,
): number {
  return (
    models.reduce((s, m) => s + returnAndGradient64(m, adaptExact64(m, phi, op)).J, 0) /
    models.length
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
