/**
 * @bomrl/trainer: meta-training and meta-test loops for BO-MRL and MAML.
 *
 * Available now: advantage estimation (linear feature baseline, GAE). The loops, samplers,
 * config schema, run directories and the `bomrl` CLI are not built yet (see README).
 *
 * @packageDocumentation
 */
export * from './advantages/index';
