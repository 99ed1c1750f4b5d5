import { BomrlError, InvalidArgumentError } from '@bomrl/envs';
import * as tf from '@tensorflow/tfjs-core';
import { ensureSecondOrderGradients } from './gradients/registration';
import { installContiguousWasmSlice } from './ops/wasm-slice';

/** Backends `selectBackend` understands. `auto` tries them in {@link AUTO_ORDER}. */
export type BackendChoice = 'auto' | 'cpu' | 'wasm' | 'tensorflow' | 'tensorflow-gpu';

/** A concrete backend (everything but `auto`). */
export type ConcreteBackend = Exclude<BackendChoice, 'auto'>;

/** What `auto` tries, first to last: GPU, native, wasm (the default on CPU), plain JS cpu. */
export const AUTO_ORDER: readonly ConcreteBackend[] = [
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
];

/** The npm package that provides each backend (all optional peers of `@bomrl/core`). */
export const BACKEND_PACKAGES: Readonly<Record<ConcreteBackend, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The name each backend registers under in the tfjs engine. */
const ENGINE_NAMES: Readonly<Record<ConcreteBackend, string>> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** What `selectBackend` chose and why. */
export interface BackendReport {
  /** The backend now active. */
  readonly backend: ConcreteBackend;
  /** The tfjs engine's name for it (`tf.getBackend()`). */
  readonly engineName: string;
  /** The npm package that provides it. */
  readonly packageName: string;
  /** Backends tried before it (auto only), each with the reason it was skipped. */
  readonly skipped: readonly { backend: ConcreteBackend; reason: string }[];
}

/** Thrown when an explicitly requested backend cannot be used. */
export class BackendUnavailableError extends BomrlError {
  static override readonly code: string = 'BOMRL_BACKEND_UNAVAILABLE';
  constructor(
    readonly backend: ConcreteBackend,
    readonly packageName: string,
    reason: string,
  ) {
    super(`bomrl: backend '${backend}' is unavailable: ${reason}`);
  }
  override get name(): string {
    return 'BackendUnavailableError';
  }
}

const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...AUTO_ORDER];

/** Dynamic import hidden from bundlers, so optional peers stay optional. */
const importOptional = (specifier: string): Promise<unknown> =>
  import(/* @vite-ignore */ specifier);

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const e = error as { code?: string; message?: string };
  const message = typeof e.message === 'string' ? e.message : '';
  const notFound =
    e.code === 'ERR_MODULE_NOT_FOUND' ||
    e.code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)|Failed to (load|resolve)|Could not resolve/.test(message);
  return notFound && message.includes(specifier);
}

/**
 * Whether the backend's factory is already registered, so its package need not be imported: an
 * application that bundles the backend imports it statically (a browser cannot resolve the bare
 * package name of the runtime `import()`). Not for 'tensorflow-gpu': it registers under the same
 * engine name as 'tensorflow', so a registered 'tensorflow' does not say which one it is.
 */
function alreadyRegistered(backend: ConcreteBackend): boolean {
  return backend !== 'tensorflow-gpu' && tf.findBackendFactory(ENGINE_NAMES[backend]) != null;
}

async function tryBackend(backend: ConcreteBackend): Promise<string | null> {
  const packageName = BACKEND_PACKAGES[backend];
  if (!alreadyRegistered(backend)) {
    try {
      await importOptional(packageName);
    } catch (error) {
      if (isModuleNotFound(error, packageName)) {
        return `${packageName} is not installed; install it with: npm install ${packageName}`;
      }
      return `importing ${packageName} failed: ${(error as Error).message}`;
    }
  }
  const engineName = ENGINE_NAMES[backend];
  if (tf.findBackendFactory(engineName) == null) {
    return `${packageName} loaded but registered no '${engineName}' backend`;
  }
  // setBackend resolves false (it does not throw) when initialization fails.
  let ok = false;
  try {
    ok = await tf.setBackend(engineName);
  } catch (error) {
    return `tf.setBackend('${engineName}') threw: ${(error as Error).message}`;
  }
  if (!ok)
    return `tf.setBackend('${engineName}') returned false (the backend failed to initialize)`;
  await tf.ready();
  if (backend === 'cpu') silenceCpuBanner();
  if (backend === 'wasm') installContiguousWasmSlice();
  return null;
}

/**
 * tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js ..." on its
 * first tensor. When bomrl selects cpu it does so on purpose (tests, small tabular runs) and says
 * which backend it chose, so the advice is noise: mark the backend as already used. Only the
 * flag the banner checks is touched; nothing else about the backend changes.
 */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

/**
 * Selects and initializes a tfjs backend, loading its optional peer package on demand. A backend
 * whose factory is already registered (its package imported statically, as a bundled browser app
 * does) is used without the runtime `import()` of its package.
 *
 * `auto` tries GPU (`@tensorflow/tfjs-node-gpu`), native (`@tensorflow/tfjs-node`), wasm
 * (`@tensorflow/tfjs-backend-wasm`), then cpu (`@tensorflow/tfjs-backend-cpu`) and uses the
 * first that initializes. An explicit choice that cannot be used throws a
 * {@link BackendUnavailableError} naming the package to install.
 *
 * @example
 * const { backend } = await selectBackend('auto');
 * console.log(`bomrl is using the ${backend} backend`);
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendReport> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new InvalidArgumentError(
      `bomrl: unknown backend '${String(choice)}'; expected one of ${BACKEND_CHOICES.join(', ')}`,
    );
  }
  ensureSecondOrderGradients();
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  const skipped: { backend: ConcreteBackend; reason: string }[] = [];
  for (const backend of candidates) {
    const reason = await tryBackend(backend);
    if (reason === null) {
      return {
        backend,
        engineName: tf.getBackend(),
        packageName: BACKEND_PACKAGES[backend],
        skipped,
      };
    }
    if (choice !== 'auto')
      throw new BackendUnavailableError(backend, BACKEND_PACKAGES[backend], reason);
    skipped.push({ backend, reason });
  }
  throw new Error(
    `bomrl: no tfjs backend could be initialized. Install one, e.g. npm install @tensorflow/tfjs-backend-wasm.\n${skipped
      .map((s) => `  ${s.backend}: ${s.reason}`)
      .join('\n')}`,
  );
}
