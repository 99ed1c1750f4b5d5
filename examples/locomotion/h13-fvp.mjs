import { hessianVectorProduct, Random, selectBackend } from '@bomrl/core';
import { GaussianMLPPolicy } from '@bomrl/policies';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend('wasm');
const policy = new GaussianMLPPolicy({
  obsDim: 17,
  actDim: 6,
  hidden: [128, 128],
  logStdInit: -0.7,
});
const r = new Random(1);
const B = Number(process.argv[2] ?? 4000);
const obs = policy.obsTensor(Float32Array.from({ length: B * 17 }, () => r.normal()));
const phi = policy.init(0);
const old = policy.init(0);
const v = tf.tensor1d(Float32Array.from({ length: policy.paramCount }, () => r.normal()));
const meanKl = (x) => tf.mean(policy.kl(old, x, obs));
const time = (f, n = 5) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t0) / n;
};
for (let rep = 0; rep < 2; rep++) {
  const hvp = time(() => tf.tidy(() => hessianVectorProduct(meanKl, phi, v).dataSync()));
  const op = policy.fisher(phi, obs);
  const fa = time(() => tf.tidy(() => op.apply(v).dataSync()));
  const build = time(() => policy.fisher(phi, obs).dispose(), 2);
  op.dispose();
  const fwd = time(() => tf.tidy(() => policy.logProb(phi, obs, tf.zeros([B, 6])).dataSync()));
  console.log(
    `B ${B}: double-backprop HVP ${hvp.toFixed(1)} ms, analytic apply ${fa.toFixed(1)} ms (build ${build.toFixed(1)} ms), logProb ${fwd.toFixed(1)} ms; ratio ${(hvp / fa).toFixed(1)}x`,
  );
}
