/**
 * `node examples/locomotion/bench/allocation-probe.mjs [maml-trpo|bomrl]` (after `pnpm build`):
 * which calls allocate the typed arrays and ArrayBuffers (off the V8 heap: what drives V8's
 * external-memory garbage collections) during one meta-iteration of the shipped HalfCheetahVel
 * config at 2 tasks, in the main thread (executor.workers = 0). Counts every `new` of a typed
 * array or ArrayBuffer and every `slice()` copy of at least 1 KB after the warm-up iteration, by
 * the four innermost frames of the call, and prints the total and the 20 largest sources.
 *
 * Views (a typed array over an existing buffer) allocate nothing and are not counted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, train } from '@bomrl/trainer';

const method = process.argv[2] ?? 'maml-trpo';
const configs = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'configs');
const config = loadConfigFile(path.join(configs, `half-cheetah-vel-${method}.yaml`), [
  'meta.tasksPerBatch=2',
  'meta.iterations=2',
  'executor.workers=0',
  'backend=wasm',
]);

let counting = false;
const bySource = new Map();
function count(kind, bytes) {
  if (!counting || bytes < 1024) return;
  const frames = new Error().stack
    .split('\n')
    .slice(3, 7)
    .map((line) =>
      line
        .trim()
        .replace(/^at /, '')
        .replace(/\(.*\/(node_modules|packages)\//, '('),
    );
  const key = `${kind} ${frames.join(' < ')}`;
  const entry = bySource.get(key) ?? { calls: 0, bytes: 0 };
  entry.calls++;
  entry.bytes += bytes;
  bySource.set(key, entry);
}

for (const name of ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array', 'ArrayBuffer']) {
  globalThis[name] = new Proxy(globalThis[name], {
    construct(target, args, newTarget) {
      const made = Reflect.construct(target, args, newTarget);
      if (!(args[0] instanceof ArrayBuffer)) count(`new ${name}`, made.byteLength);
      return made;
    },
  });
}
const typedArrayPrototype = Object.getPrototypeOf(Float32Array.prototype);
for (const [prototype, name] of [
  [typedArrayPrototype, 'TypedArray.slice'],
  [ArrayBuffer.prototype, 'ArrayBuffer.slice'],
]) {
  const slice = prototype.slice;
  prototype.slice = function (...args) {
    const copy = slice.apply(this, args);
    count(name, copy.byteLength);
    return copy;
  };
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bomrl-allocation-probe-'));
try {
  let iterations = 0;
  await train(config, {
    out,
    onProgress: () => {
      // the first iteration is the warm-up; count the second
      if (++iterations === 1) counting = true;
    },
  });
} finally {
  counting = false;
  fs.rmSync(out, { recursive: true, force: true });
}
const total = [...bySource.values()].reduce((s, e) => s + e.bytes, 0);
console.log(`${method}, one iteration of 2 tasks: ${(total / 1e6).toFixed(1)} MB allocated`);
for (const [key, e] of [...bySource].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 20))
  console.log(
    `${(e.bytes / 1e6).toFixed(1).padStart(7)} MB ${String(e.calls).padStart(6)}x ${key}`,
  );
