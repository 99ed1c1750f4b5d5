#!/usr/bin/env node
// Packs every package as npm would publish it, installs the tarballs with npm into a fresh
// temporary project (with tfjs-core and the cpu + wasm backends, nothing else), and runs one ESM
// and one CJS consumer that import every package and compute a gradient and a Hessian-vector
// product through @bomrl/core. Also checks that @bomrl/meta-gradient and @bomrl/envs install and
// run alone (envs under 3 MB, MuJoCo only once @mujoco/mujoco is added). Then runs each package
// README's first ```js snippet there.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-consumer-'));
const tarballs = path.join(work, 'tarballs');
const app = path.join(work, 'app');
fs.mkdirSync(tarballs);
fs.mkdirSync(app);

const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const packages = fs
  .readdirSync(path.join(root, 'packages'))
  .map((dir) => path.join(root, 'packages', dir))
  .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => !manifest.private)
  // BOMRL_PACKAGES=core,envs limits the check while developing; CI checks every package.
  .filter(
    ({ dir }) =>
      !process.env.BOMRL_PACKAGES ||
      process.env.BOMRL_PACKAGES.split(',').includes(path.basename(dir)),
  );

const deps = {};
for (const { dir, manifest } of packages) {
  // pnpm pack rewrites workspace: ranges to real versions, as publishing does
  run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
  deps[manifest.name] = `file:${path.join(tarballs, file)}`;
}
const tfjsVersion = '4.22.0';
fs.writeFileSync(
  path.join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'bomrl-consumer-check',
      private: true,
      dependencies: {
        ...deps,
        '@tensorflow/tfjs-core': tfjsVersion,
        '@tensorflow/tfjs-backend-cpu': tfjsVersion,
        '@tensorflow/tfjs-backend-wasm': tfjsVersion,
        // an optional peer of @bomrl/envs, needed by the MuJoCo consumer below
        '@mujoco/mujoco': '3.14.0',
      },
      overrides: deps,
    },
    null,
    2,
  ),
);
console.log(`installing ${packages.length} packed packages into ${app}`);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);

const names = packages.map((p) => p.manifest.name);
const body = (load) => `
${names.map((n, i) => load(`p${i}`, n)).join('\n')}
const core = p${names.indexOf('@bomrl/core')};
const tf = TF;
const main = async () => {
  for (const [i, name] of ${JSON.stringify(names)}.entries()) {
    const mod = [${names.map((_, i) => `p${i}`).join(', ')}][i];
    if (mod == null || typeof mod !== 'object') throw new Error(name + ' did not load');
  }
  for (const backend of ['cpu', 'wasm']) {
    const report = await core.selectBackend(backend);
    if (report.backend !== backend) throw new Error('expected backend ' + backend);
    // f(x) = sum(w * tanh(x)): gradient w (1 - tanh^2), Hessian diag -2 w tanh (1 - tanh^2)
    const xs = [0.3, -0.7, 1.1];
    const w = [1, -2, 0.5];
    const f = (x) => tf.sum(tf.mul(tf.tensor1d(w), tf.tanh(x)));
    const g = core.gradient(f, tf.tensor1d(xs)).dataSync();
    const hv = core.hessianVectorProduct(f, tf.tensor1d(xs), tf.tensor1d([1, 1, 1])).dataSync();
    xs.forEach((x, i) => {
      const t = Math.tanh(x);
      const expG = w[i] * (1 - t * t);
      const expH = -2 * w[i] * t * (1 - t * t);
      if (Math.abs(g[i] - expG) > 1e-5 || Math.abs(hv[i] - expH) > 1e-5) {
        throw new Error(backend + ': wrong derivative at ' + i + ': ' + g[i] + ' ' + hv[i]);
      }
    });
    console.log(MODE + ' consumer on ' + backend + ': imported ' + ${names.length} + ' packages; gradient and HVP exact to 1e-5');
  }
};
main().catch((e) => { console.error(e); process.exit(1); });
`;
fs.writeFileSync(
  path.join(app, 'consumer.mjs'),
  `import * as TF from '@tensorflow/tfjs-core';\nconst MODE = 'ESM';\n${body((v, n) => `import * as ${v} from '${n}';`)}`,
);
fs.writeFileSync(
  path.join(app, 'consumer.cjs'),
  `const TF = require('@tensorflow/tfjs-core');\nconst MODE = 'CJS';\n${body((v, n) => `const ${v} = require('${n}');`)}`,
);
process.stdout.write(run('node', ['consumer.mjs'], app));
process.stdout.write(run('node', ['consumer.cjs'], app));

// MuJoCo from the packed @bomrl/envs: create HalfCheetahVel and step it (ESM and CJS).
if (names.includes('@bomrl/envs')) {
  const mujocoConsumer = (load) => `${load}
const family = await HalfCheetahVel.family();
const [task] = family.sampleTasks(1, 7);
const env = family.make(task, { seed: 1 });
let ret = 0;
let obs = env.reset().obs;
for (let t = 0; t < 50; t++) {
  const r = env.step(new Float32Array(6).fill(0.1));
  obs = r.obs;
  ret += r.reward;
}
env.close();
if (obs.length !== 17 || !Number.isFinite(ret)) throw new Error('bad HalfCheetahVel rollout');
console.log(MODE + ' consumer: HalfCheetahVel stepped 50 times, return ' + ret.toFixed(3));
`;
  fs.writeFileSync(
    path.join(app, 'mujoco.mjs'),
    mujocoConsumer("import { HalfCheetahVel } from '@bomrl/envs/mujoco';\nconst MODE = 'ESM';"),
  );
  fs.writeFileSync(
    path.join(app, 'mujoco.cjs'),
    `(async () => {\n${mujocoConsumer("const { HalfCheetahVel } = require('@bomrl/envs/mujoco');\nconst MODE = 'CJS';")}\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
  );
  process.stdout.write(run('node', ['mujoco.mjs'], app));
  process.stdout.write(run('node', ['mujoco.cjs'], app));
}

// @bomrl/meta-gradient alone: a fresh project with only it, its @bomrl dependencies, tfjs-core and
// the cpu backend (no @bomrl/trainer, no @mujoco/mujoco), computing the sampled BO-MRL
// meta-gradient of a Gaussian MLP policy on hand-made episodes and the exact one on a Frozen
// Lake model, from ESM and from CJS.
const alone = [
  '@bomrl/meta-gradient',
  '@bomrl/core',
  '@bomrl/policies',
  '@bomrl/adaptation',
  '@bomrl/envs',
];
if (alone.every((n) => n in deps)) {
  const solo = path.join(work, 'meta-gradient-alone');
  fs.mkdirSync(solo);
  const soloDeps = Object.fromEntries(alone.map((n) => [n, deps[n]]));
  fs.writeFileSync(
    path.join(solo, 'package.json'),
    JSON.stringify(
      {
        name: 'bomrl-meta-gradient-consumer',
        private: true,
        dependencies: {
          '@bomrl/meta-gradient': deps['@bomrl/meta-gradient'],
          '@tensorflow/tfjs-core': tfjsVersion,
          '@tensorflow/tfjs-backend-cpu': tfjsVersion,
        },
        overrides: soloDeps,
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], solo);
  for (const absent of ['@bomrl/trainer', '@mujoco/mujoco']) {
    if (fs.existsSync(path.join(solo, 'node_modules', ...absent.split('/')))) {
      throw new Error(`the @bomrl/meta-gradient consumer installed ${absent}`);
    }
  }
  const metaBody = `
const main = async () => {
  await core.selectBackend('cpu');
  // sampled: a Gaussian MLP policy and three hand-made episodes of five steps
  const policy = new policies.GaussianMLPPolicy({ obsDim: 2, actDim: 1, hidden: [8] });
  const phi = Array.from(policy.init(0).dataSync());
  const episodes = [0, 1, 2].map((e) => ({
    observations: Float32Array.from({ length: 10 }, (_, i) => Math.sin(0.9 * i + e)),
    actions: Float32Array.from({ length: 5 }, (_, t) => 0.5 * Math.cos(1.3 * t + 2 * e)),
    rewards: Float32Array.from({ length: 5 }, (_, t) => Math.sin(t + e)),
    obsDim: 2,
    actionSize: 1,
    terminated: false,
  }));
  const sampled = mg.bomrlMetaGradient({
    policy, phi, episodes, postEpisodes: episodes, gamma: 0.9, mode: 'full',
    adaptation: { distance: 'forward-kl', lambda: 1, solver: { kind: 'newton' } },
  });
  if (sampled.metaGradient.length !== policy.paramCount || !sampled.metaGradient.every(Number.isFinite))
    throw new Error('bad sampled meta-gradient');
  // exact: a 4x4 Frozen Lake model
  const family = envs.FrozenLake.family({ variance: 'high', size: 4 });
  const model = family.make(family.sampleTasks(1, 3)[0]).model();
  const exact = mg.exactBomrlMetaGradient({
    model, phi: new Array(model.nStates * model.nActions).fill(0.1), mode: 'full',
    adaptation: { distance: 'reverse-kl', lambda: 1.5 },
  });
  if (!exact.metaGradient.every(Number.isFinite) || exact.diagnostics.warnings.length > 0)
    throw new Error('bad exact meta-gradient: ' + exact.diagnostics.warnings.join('; '));
  console.log(MODE + ' @bomrl/meta-gradient alone: sampled |grad| ' +
    Math.hypot(...sampled.metaGradient).toExponential(3) + ', exact |grad| ' +
    Math.hypot(...exact.metaGradient).toExponential(3) + ', J ' + exact.preReturn.toFixed(4) +
    ' -> ' + exact.postReturn.toFixed(4) + ' (no trainer, no mujoco installed)');
};
main().catch((e) => { console.error(e); process.exit(1); });
`;
  fs.writeFileSync(
    path.join(solo, 'meta.mjs'),
    `import * as mg from '@bomrl/meta-gradient';\nimport * as core from '@bomrl/core';\nimport * as policies from '@bomrl/policies';\nimport * as envs from '@bomrl/envs';\nconst MODE = 'ESM';\n${metaBody}`,
  );
  fs.writeFileSync(
    path.join(solo, 'meta.cjs'),
    `const mg = require('@bomrl/meta-gradient');\nconst core = require('@bomrl/core');\nconst policies = require('@bomrl/policies');\nconst envs = require('@bomrl/envs');\nconst MODE = 'CJS';\n${metaBody}`,
  );
  process.stdout.write(run('node', ['meta.mjs'], solo));
  process.stdout.write(run('node', ['meta.cjs'], solo));
}

// @bomrl/envs alone: a fresh project with only the packed @bomrl/envs (no tfjs, no @mujoco/mujoco)
// must stay light and play Frozen Lake; @bomrl/envs/mujoco then says how to install MuJoCo, and
// after `npm install @mujoco/mujoco` HalfCheetahVel steps.
if ('@bomrl/envs' in deps) {
  const light = path.join(work, 'envs-alone');
  fs.mkdirSync(light);
  fs.writeFileSync(
    path.join(light, 'package.json'),
    JSON.stringify(
      {
        name: 'bomrl-envs-consumer',
        private: true,
        type: 'module',
        dependencies: { '@bomrl/envs': deps['@bomrl/envs'] },
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], light);
  // apparent size of every file (what a user downloads and stores), walked in Node so it is the
  // same on Linux and macOS (BSD du has no byte mode)
  const bytes = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sum + bytes(full);
      return sum + fs.lstatSync(full).size;
    }, 0);
  const size = bytes(path.join(light, 'node_modules'));
  const limit = 3 * 1024 * 1024;
  console.log(
    `@bomrl/envs alone: node_modules is ${size} bytes (${(size / 2 ** 20).toFixed(2)} MB, limit 3 MB)`,
  );
  if (size >= limit) throw new Error(`@bomrl/envs alone installs ${size} bytes, over 3 MB`);
  for (const absent of ['@mujoco/mujoco', '@tensorflow/tfjs-core']) {
    if (fs.existsSync(path.join(light, 'node_modules', ...absent.split('/')))) {
      throw new Error(`the @bomrl/envs consumer installed ${absent}`);
    }
  }
  fs.writeFileSync(
    path.join(light, 'frozen-lake.mjs'),
    `import { FrozenLake } from '@bomrl/envs';
const family = FrozenLake.family({ variance: 'high' });
const env = family.make(family.sampleTasks(1, 7)[0]);
let { obs } = env.reset({ seed: 1 });
let ret = 0;
let steps = 0;
for (;;) {
  const r = env.step(steps % 4);
  obs = r.obs;
  ret += r.reward;
  steps++;
  if (r.terminated || r.truncated) break;
}
if (!Number.isInteger(obs) || steps > 49 || !Number.isFinite(ret)) throw new Error('bad Frozen Lake episode');
console.log('@bomrl/envs alone: a Frozen Lake episode ran ' + steps + ' steps, return ' + ret);
`,
  );
  process.stdout.write(run('node', ['frozen-lake.mjs'], light));
  // Without the optional peer, the /mujoco entry imports (it loads MuJoCo lazily) and the first
  // environment it creates fails with the install command.
  fs.writeFileSync(
    path.join(light, 'no-mujoco.mjs'),
    `import { HalfCheetahVel } from '@bomrl/envs/mujoco';
try {
  await HalfCheetahVel.family();
} catch (e) {
  if (!String(e.message).includes('npm install @mujoco/mujoco')) throw e;
  console.log('@bomrl/envs alone: @bomrl/envs/mujoco without MuJoCo says: ' + e.message);
  process.exit(0);
}
throw new Error('HalfCheetahVel.family() worked without @mujoco/mujoco installed');
`,
  );
  process.stdout.write(run('node', ['no-mujoco.mjs'], light));
  const mujocoVersion = JSON.parse(
    fs.readFileSync(path.join(root, 'packages', 'envs', 'package.json'), 'utf8'),
  ).devDependencies['@mujoco/mujoco'];
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', `@mujoco/mujoco@${mujocoVersion}`],
    light,
  );
  fs.writeFileSync(
    path.join(light, 'mujoco.mjs'),
    `import { HalfCheetahVel } from '@bomrl/envs/mujoco';
const family = await HalfCheetahVel.family();
const env = family.make(family.sampleTasks(1, 7)[0], { seed: 1 });
let obs = env.reset().obs;
let ret = 0;
for (let t = 0; t < 20; t++) {
  const r = env.step(new Float32Array(6).fill(0.1));
  obs = r.obs;
  ret += r.reward;
}
env.close();
if (obs.length !== 17 || !Number.isFinite(ret)) throw new Error('bad HalfCheetahVel rollout');
console.log('@bomrl/envs + @mujoco/mujoco ${mujocoVersion}: HalfCheetahVel stepped 20 times, return ' + ret.toFixed(3));
`,
  );
  process.stdout.write(run('node', ['mujoco.mjs'], light));
}

// Each package README opens with a runnable snippet: run the ```js ones against the packed install.
for (const { dir, manifest } of packages) {
  const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  const match = readme.match(/```(?:js|javascript|mjs)\n([\s\S]*?)```/);
  if (!match) continue;
  const file = path.join(app, `readme-${path.basename(dir)}.mjs`);
  fs.writeFileSync(file, match[1]);
  run('node', [file], app);
  console.log(`README snippet of ${manifest.name} ran`);
}
fs.rmSync(work, { recursive: true, force: true });
console.log('check:packages consumers: OK');
