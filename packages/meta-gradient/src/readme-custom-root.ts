import { customRoot } from '@bomrl/meta-gradient';
import * as tf from '@tensorflow/tfjs-core';

// Ridge regression: theta*(lambda) = argmin_theta 1/2 ||X theta - y||^2 + lambda/2 ||theta||^2
const X = tf.tensor2d([
  [1, 2],
  [3, 1],
  [0, 1],
  [2, 2],
]);
const y = tf.tensor1d([1, 2, 0.5, 3]);
const Xv = tf.tensor2d([
  [1, 1],
  [2, 0],
]); // validation data
const yv = tf.tensor1d([1.5, 1]);
const predict = (A: tf.Tensor2D, theta: tf.Tensor1D) =>
  tf.reshape(tf.matMul(A, tf.reshape(theta, [2, 1])), [-1]);

const ridge = customRoot({
  // the inner objective G(theta, phi), phi = [lambda], and its sense (required)
  objective: (theta, phi) =>
    tf.add(
      tf.mul(0.5, tf.sum(tf.square(tf.sub(predict(X, theta), y)))),
      tf.mul(tf.mul(0.5, tf.sum(phi)), tf.sum(tf.square(theta))),
    ),
  sense: 'min',
  // any inner solver, never differentiated: here 500 steps of gradient descent
  solver: (phi) => {
    let theta: tf.Tensor1D = tf.zeros([2]);
    for (let k = 0; k < 500; k++) {
      const residual = tf.reshape(tf.sub(predict(X, theta), y), [1, -1]);
      const grad = tf.add(tf.reshape(tf.matMul(residual, X), [-1]), tf.mul(phi, theta));
      theta = tf.sub(theta, tf.mul(0.03, grad)) as tf.Tensor1D;
    }
    return theta;
  },
});

// d validation-loss / d lambda, through the solver, by plain tf.grad
const validationLoss = (phi: tf.Tensor) =>
  tf.mul(0.5, tf.sum(tf.square(tf.sub(predict(Xv, ridge(phi as tf.Tensor1D)), yv))));
const lambda = 0.7;
const gradient = tf
  .grad(validationLoss)(tf.tensor1d([lambda]))
  .dataSync()[0];

// Closed form: M = X^T X + lambda I, theta* = M^-1 X^T y, r = Xv theta* - yv,
// d loss / d lambda = -(Xv^T r)^T M^-1 theta*
const inv = (m: number[][]) => {
  const [[a, b], [c, d]] = m as [[number, number], [number, number]];
  const det = a * d - b * c;
  return [
    [d / det, -b / det],
    [-c / det, a / det],
  ];
};
const times = (m: number[][], v: number[]) =>
  m.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0));
const x = X.arraySync();
const xv = Xv.arraySync();
const xT = [0, 1].map((j) => x.map((row) => row[j]!));
const xvT = [0, 1].map((j) => xv.map((row) => row[j]!));
const Minv = inv(
  [0, 1].map((i) => [0, 1].map((j) => times([xT[i]!], xT[j]!)[0]! + (i === j ? lambda : 0))),
);
const thetaStar = times(Minv, times(xT, y.arraySync()));
const r = times(xv, thetaStar).map((p, k) => p - yv.arraySync()[k]!);
const u = times(Minv, thetaStar);
const closedForm = -times(xvT, r).reduce((s, g, j) => s + g * u[j]!, 0);

console.log(gradient, closedForm); // equal to ~1e-6
