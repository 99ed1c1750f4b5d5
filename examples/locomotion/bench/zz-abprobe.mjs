import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigFile, train } from '@bomrl/trainer';
const method = process.argv[2] ?? 'maml-trpo';
const config = loadConfigFile(`/work/main/examples/locomotion/configs/half-cheetah-vel-${method}.yaml`, [
  'meta.tasksPerBatch=2', 'meta.iterations=2', 'executor.workers=0', 'backend=wasm']);
let on = false;
const agg = new Map();
for (const name of ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array', 'ArrayBuffer']) {
  const Orig = globalThis[name];
  globalThis[name] = new Proxy(Orig, { construct(target, args, nt) {
    const r = Reflect.construct(target, args, nt);
    if (on && !(args[0] instanceof ArrayBuffer) && !(args[0] && args[0].buffer instanceof ArrayBuffer && args.length > 1)) {
      const bytes = r.byteLength;
      if (bytes >= 1024) {
        const st = new Error().stack.split('\n').slice(2, 6).map(l => l.trim().replace(/\(.*\/(.*?\/dist\/.*?)\)/, '$1').replace('at ', '')).join(' < ');
        const k = `${name} ${st}`; const e = agg.get(k) ?? { n: 0, bytes: 0 }; e.n++; e.bytes += bytes; agg.set(k, e);
      }
    }
    return r; } });
}
// slice() copies also allocate
const TA = Object.getPrototypeOf(Float32Array.prototype);
for (const [proto, nm] of [[TA, 'TypedArray.slice'], [ArrayBuffer.prototype, 'ArrayBuffer.slice']]) {
  const orig = proto.slice;
  proto.slice = function (...a) { const r = orig.apply(this, a);
    if (on && r.byteLength >= 1024) { const st = new Error().stack.split('\n').slice(2, 6).map(l => l.trim().replace(/\(.*\/(.*?\/dist\/.*?)\)/, '$1').replace('at ', '')).join(' < ');
      const k = `${nm} ${st}`; const e = agg.get(k) ?? { n: 0, bytes: 0 }; e.n++; e.bytes += r.byteLength; agg.set(k, e); }
    return r; };
}
let it = 0;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-'));
await train(config, { out, onProgress: () => { if (++it === 1) on = true; } });
on = false;
let tot = 0; for (const e of agg.values()) tot += e.bytes;
console.log('total MB', (tot / 1e6).toFixed(1));
for (const [k, e] of [...agg].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 20)) console.log((e.bytes / 1e6).toFixed(1).padStart(7), String(e.n).padStart(7), k);
