import { readFileSync } from 'node:fs';
import * as core from '@bomrl/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import * as adaptation from './index';

/** The README's opening snippet, with its imports bound to the modules under test. */
function openingSnippet(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (match === null) throw new Error('README.md has no ts snippet');
  const modules: Record<string, string> = {
    '@tensorflow/tfjs-core': '$tf',
    '@bomrl/core': '$core',
    '@bomrl/adaptation': '$adaptation',
  };
  return (match[1] as string)
    .replace(
      /^import \* as (\w+) from '([^']+)';$/gm,
      (_, name: string, from: string) => `const ${name} = ${modules[from]};`,
    )
    .replace(
      /^import \{([^}]+)\} from '([^']+)';$/gm,
      (_, names: string, from: string) => `const {${names}} = ${modules[from]};`,
    );
}

it('the README snippet runs and prints the closed-form Alg(2) solution', async () => {
  const logs: unknown[][] = [];
  const console = { log: (...args: unknown[]) => logs.push(args) };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction('$tf', '$core', '$adaptation', 'console', openingSnippet());
  await run(tf, core, adaptation, console);
  const table = logs[0]?.[0] as Float64Array;
  // pi(a|s) ∝ exp(A(s, a) / 0.5) from the uniform prior.
  const A = [1, 0, -1, -0.5, 0.5, 0];
  for (const s of [0, 1]) {
    const z = [0, 1, 2].reduce((sum, a) => sum + Math.exp((A[s * 3 + a] as number) / 0.5), 0);
    for (const a of [0, 1, 2])
      expect(table[s * 3 + a]).toBeCloseTo(Math.exp((A[s * 3 + a] as number) / 0.5) / z, 6);
  }
  expect(logs[1]?.[0]).toBe('closed-form');
  expect(logs[1]?.[1] as number).toBeLessThan(1e-5);
  expect(logs[1]?.[2] as number).toBeCloseTo(0.5401534, 5);
});
