import { Rng, type RngState } from '@bomrl/envs';

/**
 * @deprecated The one seeded generator of bomrl is {@link Rng} (plain TypeScript, defined in
 * `@bomrl/envs` and re-exported by this package): every package accepts it. `Random` is the same
 * class under its old name; its stream is unchanged (`float()` is `next()`).
 */
export const Random = Rng;
/** @deprecated Use {@link Rng}. */
export type Random = Rng;
/** @deprecated Use {@link RngState}. */
export type RandomState = RngState;
