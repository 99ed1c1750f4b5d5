import { scoped } from '@bomrl/core';
import type { Policy } from '@bomrl/policies';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { Episode } from './advantages/episode';
import { checkedParams, type MetaGradientResult } from './meta-gradient-result';
import { outerPolicyGradient, returnSurrogate } from './sampled/outer-gradient';

/** Inputs of {@link mamlMetaGradient}. */
export interface MamlMetaGradientOptions {
  readonly policy: Policy;
  /** The meta-parameters phi (flat). */
  readonly phi: ArrayLike<number>;
  /** Pre-update episodes of one task, collected with pi_phi. */
  readonly episodes: readonly Episode[];
  /** g = grad J(theta'): a vector or a function of theta'. Exactly one of this and `postEpisodes`. */
  readonly outerGradient?: ArrayLike<number> | ((theta: Float64Array) => ArrayLike<number>);
  /** Fresh episodes collected with pi_theta' (or a function of theta' that collects them). */
  readonly postEpisodes?: readonly Episode[] | ((theta: Float64Array) => readonly Episode[]);
  /** Inner step size alpha > 0. */
  readonly alpha: number;
  /** 'second' (default) differentiates through the inner step; 'first' drops its Jacobian. */
  readonly order?: 'first' | 'second';
  readonly gamma: number;
  /** GAE lambda of the advantages (default 1). */
  readonly gaeLambda?: number;
}

/**
 * MAML's meta-gradient on your batch of one task, with the same result shape as
 * {@link bomrlMetaGradient}: one inner policy-gradient step theta' = phi + alpha grad J^(phi)
 * (REINFORCE with a linear feature baseline on the pre-update episodes, held fixed, as in
 * pytorch-maml-rl), then d J(theta'(phi)) / d phi = (I + alpha Hess J^(phi)) g ('second') or g
 * ('first'). There is no lower-level stationarity to check: `lowerLevel.gradNorm` is the
 * norm of the inner policy gradient.
 */
export function mamlMetaGradient(options: MamlMetaGradientOptions): MetaGradientResult {
  const name = 'mamlMetaGradient';
  const { policy, alpha, order = 'second', gamma } = options;
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new RangeError(`${name}: alpha must be a finite number > 0, got ${alpha}`);
  }
  if (order !== 'first' && order !== 'second') {
    throw new RangeError(
      `${name}: order must be 'first' or 'second', got ${JSON.stringify(order)}`,
    );
  }
  if ((options.outerGradient === undefined) === (options.postEpisodes === undefined)) {
    throw new RangeError(`${name}: give exactly one of outerGradient and postEpisodes`);
  }
  const phiValues = checkedParams(name, options.phi, policy.paramCount);
  const inner = returnSurrogate(policy, options.episodes, gamma, options.gaeLambda ?? 1);
  const step = (p: Tensor1D): Tensor1D =>
    tf.add(p, tf.mul(alpha, tf.grad((x: Tensor) => inner.value(x as Tensor1D))(p))) as Tensor1D;
  const phi = tf.tensor1d(Float32Array.from(phiValues));
  try {
    const { theta, innerNorm } = scoped(() => {
      const t = step(phi);
      const norm = tf.norm(tf.div(tf.sub(t, phi), alpha)).dataSync()[0]!;
      return { theta: Float64Array.from(t.dataSync()), innerNorm: norm };
    });
    const thetaTensor = tf.tensor1d(Float32Array.from(theta));
    let g: Tensor1D;
    try {
      if (options.outerGradient !== undefined) {
        const given =
          typeof options.outerGradient === 'function'
            ? options.outerGradient(theta)
            : options.outerGradient;
        if (given.length !== theta.length) {
          throw new RangeError(
            `${name}: outerGradient has ${given.length} entries, the policy has ${theta.length} parameters`,
          );
        }
        g = tf.tensor1d(Float32Array.from(given));
      } else {
        const post =
          typeof options.postEpisodes === 'function'
            ? options.postEpisodes(theta)
            : options.postEpisodes!;
        g = outerPolicyGradient(policy, thetaTensor, post, gamma, options.gaeLambda ?? 1);
      }
    } finally {
      thetaTensor.dispose();
    }
    const metaGradient = scoped(() => {
      if (order === 'first') return Float64Array.from(g.dataSync());
      // (d theta / d phi)^T g as the gradient of <theta(phi), g> with g held fixed
      const vjp = tf.grad((p: Tensor) => tf.sum(tf.mul(step(p as Tensor1D), g)))(phi);
      return Float64Array.from(vjp.dataSync());
    });
    g.dispose();
    return {
      metaGradient,
      theta,
      diagnostics: {
        lowerLevel: {
          gradNorm: innerNorm,
          initialGradNorm: innerNorm,
          relativeGradNorm: 1,
          solverSteps: 1,
          converged: true,
          distance: theta.reduce((s, t, i) => s + (t - phiValues[i]!) ** 2, 0),
          multiplier: 0,
        },
        adjoint: {
          solver: order === 'second' ? 'autodiff' : 'none',
          iterations: 0,
          relativeResidual: 0,
        },
        warnings: [],
      },
    };
  } finally {
    phi.dispose();
    inner.dispose();
  }
}
