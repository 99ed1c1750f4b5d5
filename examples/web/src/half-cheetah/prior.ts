import type { PolicyJSON } from '@bomrl/policies';

/** The page's one round of BO-MRL Alg(1) (forward KL), read from the run's config. */
export interface CheetahAdaptation {
  /** Penalty weight lambda of E KL(pi_phi || pi_theta) (method.testLambda, else method.lambda). */
  readonly lambda: number;
  /** Adam's learning rate and steps on the lower level (method.solver). */
  readonly lr: number;
  readonly maxSteps: number;
  /** Episodes in the one batch collected with the prior (sampler.episodesPerTask). */
  readonly episodes: number;
}

/** src/half-cheetah/prior.json, written by scripts/export-cheetah-prior.ts. */
export interface CheetahPriorDocument {
  readonly format: 'bomrl-web-half-cheetah-prior';
  readonly version: 1;
  /** The config (relative to examples/web), its meta-iterations and seconds in timings.jsonl. */
  readonly source: {
    readonly config: string;
    readonly metaIterations: number;
    readonly trainSeconds: number | null;
  };
  readonly env: {
    readonly family: 'half-cheetah-vel';
    readonly horizon: number;
    readonly gamma: number;
  };
  readonly adaptation: CheetahAdaptation;
  /** A saved @bomrl/policies gaussian-mlp policy. */
  readonly policy: PolicyJSON;
}

/** Checks the parts of the prior document the page relies on; names the field that is wrong. */
export function checkCheetahPrior(doc: unknown): CheetahPriorDocument {
  const d = doc as Partial<CheetahPriorDocument> | null;
  if (d?.format !== 'bomrl-web-half-cheetah-prior' || d.version !== 1) {
    throw new Error(
      'prior.json: format must be bomrl-web-half-cheetah-prior version 1 (regenerate it with pnpm --filter @bomrl-examples/web train-cheetah)',
    );
  }
  if (d.env?.family !== 'half-cheetah-vel')
    throw new Error('prior.json: env.family must be half-cheetah-vel');
  if (d.policy?.kind !== 'gaussian-mlp')
    throw new Error('prior.json: policy must be a gaussian-mlp policy');
  for (const k of ['lambda', 'lr', 'maxSteps', 'episodes'] as const) {
    if (typeof d.adaptation?.[k] !== 'number')
      throw new Error(`prior.json: adaptation.${k} must be a number`);
  }
  return d as CheetahPriorDocument;
}
