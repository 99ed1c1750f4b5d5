import type { CheetahRoundResult } from './session';

/** Page -> worker: one round of adaptation on the target velocity. */
export interface CheetahRequest {
  readonly id: number;
  readonly velocity: number;
}

/** Worker -> page. */
export type CheetahReply =
  | { readonly kind: 'ready'; readonly backend: string }
  | {
      readonly kind: 'progress';
      readonly id: number;
      readonly done: number;
      readonly total: number;
      readonly label: string;
    }
  | {
      readonly kind: 'result';
      readonly id: number;
      readonly result: CheetahRoundResult;
      /** Wall time of the request in the worker, milliseconds. */
      readonly millis: number;
    }
  | { readonly kind: 'error'; readonly id: number | null; readonly message: string };
