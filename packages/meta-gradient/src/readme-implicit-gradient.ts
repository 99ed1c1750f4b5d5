import { selectBackend } from '@bomrl/core';
import { implicitGradient } from '@bomrl/meta-gradient';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend(); // wasm if installed, else cpu

// Inner problem: theta*(phi) = argmin_theta sum(exp(theta)) - <phi, theta>, i.e. theta* = log(phi)
const objective = (theta: tf.Tensor1D, phi: tf.Tensor1D): tf.Scalar =>
  tf.sub(tf.sum(tf.exp(theta)), tf.sum(tf.mul(phi, theta)));
const phi = tf.tensor1d([0.5, 1, 2]);
const thetaStar = tf.log(phi); // usually the output of your own inner solver

// Outer objective: 1/2 ||theta - target||^2, whose gradient at theta* is theta* - target
const target = tf.tensor1d([1, 0, -1]);
const { gradient, diagnostics } = implicitGradient({
  objective,
  sense: 'min',
  solution: thetaStar,
  params: phi,
  outerGradient: tf.sub(thetaStar, target),
  solve: { kind: 'cg', maxIter: 20, tol: 1e-6 },
});

// Exact: d outer / d phi = (log(phi) - target) / phi = [-3.3863, 0, 0.8466]
console.log(gradient.arraySync(), diagnostics.iterations, diagnostics.warnings);
