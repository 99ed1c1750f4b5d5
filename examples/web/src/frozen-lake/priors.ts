import type { PolicyJSON } from '@bomrl/policies';

/** How a prior is adapted at test time (read from its run's config by export-priors). */
export type AdaptationSetting =
  | {
      readonly kind: 'bomrl';
      /** 'forward-kl': Alg(1); 'reverse-kl': Alg(2). */
      readonly distance: 'forward-kl' | 'reverse-kl';
      readonly lambda: number;
    }
  | { readonly kind: 'maml'; readonly alpha: number };

/** The ids of the shipped priors. */
export type PriorId = 'bomrl-alg1' | 'bomrl-alg2' | 'maml';

/** One meta-trained policy and the adaptation it is meta-tested with. */
export interface PriorEntry {
  readonly label: string;
  /** The run directory `pnpm demo` wrote it to. */
  readonly run: string;
  readonly adaptation: AdaptationSetting;
  /** A saved @bomrl/policies tabular-softmax policy. */
  readonly policy: PolicyJSON;
}

/** The Frozen Lake settings the priors were trained on. */
export interface FrozenLakeSettings {
  readonly variance: 'high' | 'low';
  readonly size: number;
  readonly slip: number;
  readonly gamma: number;
  readonly horizon: number;
}

/** src/frozen-lake/priors.json, written by scripts/export-priors.ts. */
export interface PriorsDocument {
  readonly format: 'bomrl-web-frozen-lake-priors';
  readonly version: 1;
  readonly source: string;
  readonly env: FrozenLakeSettings;
  /** The held-out map of the demo's split with the most holes. */
  readonly defaultMap: readonly string[];
  readonly priors: Readonly<Record<PriorId, PriorEntry>>;
}

/** Checks the parts of a priors document the page relies on; names the field that is wrong. */
export function checkPriors(doc: unknown): PriorsDocument {
  const d = doc as Partial<PriorsDocument> | null;
  if (d?.format !== 'bomrl-web-frozen-lake-priors' || d.version !== 1) {
    throw new Error(
      'priors.json: format must be bomrl-web-frozen-lake-priors version 1 (regenerate it with pnpm --filter @bomrl-examples/web export-priors)',
    );
  }
  for (const id of ['bomrl-alg1', 'bomrl-alg2', 'maml'] as const) {
    if (!d.priors?.[id]?.policy) throw new Error(`priors.json: priors.${id}.policy is missing`);
  }
  return d as PriorsDocument;
}
