import type { MainModule, MjData, MjModel } from '@mujoco/mujoco';
import { EnvError } from '../errors';

/** The loaded official MuJoCo WebAssembly module (`@mujoco/mujoco`). */
export type MuJoCo = MainModule;
export type { MjData, MjModel };

let loading: Promise<MuJoCo> | undefined;

/** Whether an import failed because the package itself is absent (ESM and CJS error codes). */
function isMissingModule(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    message.includes('@mujoco/mujoco')
  );
}

/**
 * Loads the MuJoCo WebAssembly module once per process and returns it (later calls get the same
 * instance). Every MuJoCo environment of this package is created from it, so creating them is
 * asynchronous only through this call: `await loadMuJoCo()` once, then constructors are
 * synchronous (the static `create` / `family` helpers do exactly that).
 *
 * The module is imported dynamically: `@mujoco/mujoco` is ESM-only with top-level await, which a
 * CommonJS `require` cannot load, while `import()` works from both our ESM and CJS builds. It also
 * means importing `@bomrl/envs/mujoco` costs nothing until an environment is actually needed,
 * and that `@mujoco/mujoco` is an OPTIONAL peer dependency: without it everything else in this
 * package works, and this call throws an error saying `npm install @mujoco/mujoco`.
 */
export function loadMuJoCo(): Promise<MuJoCo> {
  if (loading === undefined) {
    loading = import('@mujoco/mujoco')
      .then((mod) => mod.default())
      .catch((error: unknown) => {
        // Forget the failure so a caller can retry (e.g. after fixing a bundler's wasm path).
        loading = undefined;
        throw new EnvError(
          isMissingModule(error)
            ? 'loadMuJoCo: @mujoco/mujoco is not installed. It is an optional peer dependency of ' +
                '@bomrl/envs, needed only by @bomrl/envs/mujoco: run `npm install @mujoco/mujoco`'
            : `loadMuJoCo: could not load the MuJoCo WebAssembly module (@mujoco/mujoco): ${String(error)}`,
        );
      });
  }
  return loading;
}

/**
 * Bytes of WebAssembly linear memory the module currently holds. The memory only grows (it never
 * shrinks), so a constant value over many episodes is the proof that models and data are freed.
 * Read from the buffer behind a live `MjData` view, the one place the bindings expose it.
 */
export function wasmHeapBytes(data: MjData): number {
  return (data.qpos as Float64Array).buffer.byteLength;
}

/**
 * Compiles an MJCF string into a model. MuJoCo reports XML errors as exceptions whose message
 * is MuJoCo's own; we wrap them so callers see which model failed.
 */
export function compileModel(mujoco: MuJoCo, xml: string, name: string): MjModel {
  try {
    return mujoco.MjModel.from_xml_string(xml);
  } catch (error) {
    throw new EnvError(`MuJoCo could not compile the ${name} model: ${String(error)}`);
  }
}
