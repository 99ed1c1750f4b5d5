import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Why: an objective such as BO-MRL's G(theta, phi) = L(theta) - lambda KL(pi_phi || pi_theta) asks
 * the policy for pi_theta on the same batch twice (log pi_theta in L, the distribution in the KL)
 * and so runs the MLP forward twice and, under tf.grad, backward twice. Inside
 * `sharingForwardPasses` the MLP policies of `@bomrl/policies` (which call `sharedForward`)
 * compute each (params, observations) pair's network output once and hand out copies: the graph is
 * the one a hand-fused objective would build, so values are unchanged and derivatives of every
 * order stay exact (the two uses' gradients meet at the network output instead of at the
 * parameters: float32 round-off only).
 *
 * A cached output is reused only while the SAME gradient tape is recording (or none is), so a
 * tensor computed outside a tf.grad is never mistaken for one the tape saw.
 */

interface Entry {
  readonly owner: object;
  readonly params: Tensor;
  readonly obs: Tensor;
  readonly tape: unknown;
  readonly outputs: readonly Tensor[];
}

let entries: Entry[] | null = null;
let enabled = true;
/** Outputs of parameter tensors held constant by {@link holdingForwardPasses}. */
const held = new Map<Tensor, Entry[]>();

/** The gradient tape ops are being recorded on right now, or null. */
function recordingTape(): unknown {
  const state = tf.engine().state;
  return state.gradientDepth > 0 && state.kernelDepth === 0 ? state.activeTape : null;
}

/**
 * Runs `fn` with policy forward passes shared: within it, an MLP policy evaluated twice on the
 * same params and observation TENSORS (the same objects) computes its network once. Meant to
 * wrap ONE evaluation of a scalar objective (what `tf.grad` differentiates); the cached outputs
 * are freed when `fn` returns (`fn` must be synchronous). Nested calls join the outer scope.
 */
export function sharingForwardPasses<T>(fn: () => T): T {
  if (entries !== null) return fn();
  entries = [];
  try {
    return fn();
  } finally {
    const done = entries;
    entries = null;
    for (const e of done) tf.dispose(e.outputs as Tensor[]);
  }
}

/**
 * `compute()` (a policy's network outputs for `params` on `obs`), or copies of what it returned
 * before: for a `params` held by {@link holdingForwardPasses}, on any tape; otherwise for the same
 * policy, tensors and tape earlier in the current {@link sharingForwardPasses} scope. The caller
 * owns the returned tensors either way.
 */
export function sharedForward<T extends readonly Tensor[]>(
  owner: object,
  params: Tensor,
  obs: Tensor,
  compute: () => T,
): T {
  if (!enabled) return compute();
  const constants = held.get(params);
  const list = constants ?? entries;
  if (list === null) return compute();
  // held outputs are constants, valid on every tape
  const tape = constants ? null : recordingTape();
  const hit = list.find(
    (e) => e.owner === owner && e.params === params && e.obs === obs && e.tape === tape,
  );
  if (hit) return hit.outputs.map((t) => tf.clone(t)) as unknown as T;
  const outputs = compute();
  list.push({ owner, params, obs, tape, outputs: outputs.map((t) => tf.keep(tf.clone(t))) });
  return outputs;
}

/**
 * Runs `fn` with the network outputs of the parameter tensor `fixed` computed once and then
 * reused as CONSTANTS by every evaluation inside `fn`, on any tape: no derivative flows back to
 * `fixed` through them. Only for a `fixed` that nothing inside `fn` differentiates with respect
 * to, e.g. phi while a lower-level solver differentiates G(theta, phi) in theta alone. Pass a
 * tensor of its own (a private copy of phi, say), so that no parameter vector being
 * differentiated can be the same object. The outputs are freed when `fn` (synchronous) returns.
 */
export function holdingForwardPasses<T>(fixed: Tensor, fn: () => T): T {
  if (held.has(fixed)) return fn();
  const list: Entry[] = [];
  held.set(fixed, list);
  try {
    return fn();
  } finally {
    held.delete(fixed);
    for (const e of list) tf.dispose(e.outputs as Tensor[]);
  }
}

/**
 * Turns sharing and holding on (the default) or off for the whole process and returns the
 * previous setting. Off, every policy evaluation runs its network: the computation as it was
 * before sharing existed, for benchmarks and tests that compare the two.
 */
export function setForwardSharing(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}
