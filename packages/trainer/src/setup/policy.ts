import {
  CategoricalMLPPolicy,
  GaussianMLPPolicy,
  type Policy,
  TabularSoftmaxPolicy,
} from '@bomrl/policies';
import type { Config } from '../config/schema';
import type { TaskSetup } from './family';

/**
 * The policy of `config.policy` for the family's spaces. The combination must make sense
 * (a tabular policy needs discrete observations, a Gaussian one continuous actions); a mismatch
 * is reported with the config field that causes it.
 */
export function createPolicy(config: Config, setup: TaskSetup): Policy {
  const p = config.policy;
  const { obs, action } = setup;
  switch (p.kind) {
    case 'tabular-softmax':
      if (obs.kind !== 'discrete' || action.kind !== 'discrete') {
        throw new RangeError(
          `policy.kind: 'tabular-softmax' needs discrete states and actions, but env.family '${config.env.family}' has ${obs.kind} observations and ${action.kind} actions`,
        );
      }
      return new TabularSoftmaxPolicy({
        nStates: obs.size,
        nActions: action.size,
        initLogit: p.initLogit,
      });
    case 'categorical-mlp':
      if (action.kind !== 'discrete' || obs.kind !== 'box') {
        throw new RangeError(
          `policy.kind: 'categorical-mlp' needs vector observations and discrete actions; env.family '${config.env.family}' does not have them`,
        );
      }
      return new CategoricalMLPPolicy({
        obsDim: obs.size,
        nActions: action.size,
        hidden: p.hidden,
      }) as unknown as Policy;
    case 'gaussian-mlp':
      if (action.kind !== 'box' || obs.kind !== 'box') {
        throw new RangeError(
          `policy.kind: 'gaussian-mlp' needs vector observations and continuous actions; env.family '${config.env.family}' has ${obs.kind} observations and ${action.kind} actions`,
        );
      }
      return new GaussianMLPPolicy({
        obsDim: obs.size,
        actDim: action.size,
        hidden: p.hidden,
        logStdInit: p.logStdInit,
        minStd: p.minStd,
      }) as unknown as Policy;
  }
}
