/** Seed of the batch the page collects (reset seeds seed..seed+N-1, actions from Rng(seed)). */
export const BATCH_SEED = 1;
/**
 * The evaluation episodes: the stochastic policy (the one BO-MRL adapts), 16 episodes from
 * seed 5000 (reset seeds 5000..5015, none of them a batch's), the same for prior and adapted.
 */
export const EVALUATION = { episodes: 16, seed: 5000, actions: 'sampled' } as const;
