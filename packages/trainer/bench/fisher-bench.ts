/**
 * `pnpm --filter @bomrl/trainer exec tsx bench/fisher-bench.ts`: seconds per Fisher-vector
 * product of the TRPO meta-step at the paper's size (10 tasks of 4000 pre-update observations,
 * HalfCheetahVel's 17-128-128-6 Gaussian MLP, wasm), computed three ways:
 *   coordinator  one analytic operator on all tasks' rows in this thread (meanKlFisher)
 *   sharded-0    one operator per task, in this thread (shardedKlFisher, in-process executor)
 *   sharded-N    one operator per task on N worker threads (shardedKlFisher, thread pool)
 * Each way builds its operators on its first product (as a trust-region step does), so the
 * time per product includes the builds amortized over `--products` (default 11: 10 CG
 * iterations and the final F x). Options: --tasks N (10), --rows N (4000), --products N (11),
 * --workers N (2), --repeats N (3; the median is reported), --json.
 */
import { randomUUID } from 'node:crypto';
import { Random, relativeError } from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfig } from '../src/config/load';
import { InProcessExecutor } from '../src/executor/in-process-executor';
import { createJobContext } from '../src/executor/job-context';
import { ThreadPoolExecutor } from '../src/executor/thread-pool-executor';
import { meanKlFisher, shardedKlFisher } from '../src/methods/kl-fisher';
import { integerOption } from './bench-option';

const tasks = integerOption('tasks', 10);
const rows = integerOption('rows', 4000);
const products = integerOption('products', 11);
const workers = integerOption('workers', 2);
const repeats = integerOption('repeats', 3);

const config = resolveConfig({
  name: 'bench-fisher',
  env: { family: 'half-cheetah-vel', horizon: 200, tasks: { count: 40, seed: 7 } },
  policy: { kind: 'gaussian-mlp', hidden: [128, 128] },
  method: { kind: 'maml', alpha: 0.1 },
  meta: { optimizer: 'trpo', tasksPerBatch: tasks },
  backend: 'wasm',
  executor: { workers: 0 },
});

const ctx = await createJobContext({ config, backend: 'wasm' });
const { policy } = ctx;
const rng = new Random(1);
const normals = (n: number, scale = 1) =>
  Float32Array.from({ length: n }, () => scale * rng.normal());
const phi = Float64Array.from(policy.init(3).dataSync());
const obsDim = policy.obsTensor(new Float32Array(0)).shape[1]!;
const observations = Array.from({ length: tasks }, () => normals(rows * obsDim));
const vectors = Array.from({ length: products }, () => Float64Array.from(normals(phi.length)));

type Product = (v: Float64Array) => Float64Array | Promise<Float64Array>;

/** Median seconds per product over `repeats` fresh operator sets; and the last F v. */
async function time(make: () => { product: Product; dispose(): void }) {
  const perProduct: number[] = [];
  let last: Float64Array = new Float64Array(0);
  for (let r = 0; r < repeats; r++) {
    const { product, dispose } = make();
    const t0 = performance.now();
    for (const v of vectors) last = await product(v);
    perProduct.push((performance.now() - t0) / 1000 / products);
    dispose();
  }
  perProduct.sort((a, b) => a - b);
  return { seconds: perProduct[Math.floor(repeats / 2)]!, last };
}

const tensors = observations.map((o) => policy.obsTensor(o));
const coordinator = await time(() => {
  const f = meanKlFisher(policy, phi, tensors);
  return { product: f.fisherVector, dispose: f.dispose };
});
tf.dispose(tensors);
const local = new InProcessExecutor(ctx);
const sharded0 = await time(() => ({
  product: shardedKlFisher(local, randomUUID(), phi, observations),
  dispose: () => {},
}));
await local.close();
const pool = new ThreadPoolExecutor(workers, { config, backend: 'wasm' });
// the workers' first job builds their contexts (backend, MuJoCo models): not part of a product
await shardedKlFisher(pool, randomUUID(), phi, observations)(vectors[0]!);
const shardedN = await time(() => ({
  product: shardedKlFisher(pool, randomUUID(), phi, observations),
  dispose: () => {},
}));
await pool.close();
ctx.close();

const result = {
  secondsPerProduct: {
    coordinator: coordinator.seconds,
    'sharded-0': sharded0.seconds,
    [`sharded-${workers}`]: shardedN.seconds,
  },
  identicalShardedAcrossWorkers: sharded0.last.every((x, i) => x === shardedN.last[i]),
  relativeErrorShardedVsCoordinator: relativeError(sharded0.last, coordinator.last),
  settings: { tasks, rows, products, workers, repeats, paramCount: phi.length },
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else console.log(result);
