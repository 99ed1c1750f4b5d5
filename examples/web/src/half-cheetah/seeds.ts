/** Seed of the batch the page collects (reset seeds seed..seed+N-1, actions from Rng(seed)). */
export const BATCH_SEED = 1;
/** Reset seeds of the mean-action evaluation episodes (none of them a batch seed). */
export const EVALUATION_SEEDS: readonly number[] = [1001, 1002, 1003, 1004];
