import type { PolicyView, RoundDiagnostics } from './exact-round';
import type { AdaptationSetting, PriorId } from './priors';

/** Page -> worker. `evaluate`: the priors on a map; `adapt`: also one adaptation round each. */
export interface PlaygroundRequest {
  readonly id: number;
  readonly kind: 'evaluate' | 'adapt';
  readonly map: readonly string[];
  /** Which BO-MRL prior and operator: Alg(1) or Alg(2). */
  readonly bomrl: Extract<PriorId, 'bomrl-alg1' | 'bomrl-alg2'>;
}

/** One method's column: the prior, and after `adapt` the adapted policy. */
export interface MethodResult {
  readonly id: PriorId;
  readonly label: string;
  readonly setting: AdaptationSetting;
  readonly prior: PolicyView;
  readonly adapted?: PolicyView & { readonly diagnostics: RoundDiagnostics };
}

/** Everything the page shows for one map. */
export interface PlaygroundResult {
  readonly map: readonly string[];
  /** J* of the map (finite-horizon value iteration). */
  readonly optimal: number;
  readonly bomrl: MethodResult;
  readonly maml: MethodResult;
  /** Wall time of the request in the worker, milliseconds. */
  readonly millis: number;
}

/** Worker -> page. */
export type PlaygroundReply =
  | { readonly kind: 'ready'; readonly backend: string }
  | {
      readonly kind: 'progress';
      readonly id: number;
      readonly done: number;
      readonly total: number;
      readonly label: string;
    }
  | { readonly kind: 'result'; readonly id: number; readonly result: PlaygroundResult }
  | { readonly kind: 'error'; readonly id: number | null; readonly message: string };
