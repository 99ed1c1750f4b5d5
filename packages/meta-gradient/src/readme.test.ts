import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// The README's ```ts snippets ARE src/readme-example.ts, src/readme-custom-root.ts and
// src/readme-implicit-gradient.ts, in that order: this test checks that they are identical, then
// runs each file and checks what it prints against the truth.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const file = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');

/** Runs a snippet module and returns the arguments of its first console.log. */
async function printed(load: () => Promise<unknown>): Promise<unknown[]> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await load();
    return log.mock.calls[0] as unknown[];
  } finally {
    log.mockRestore();
  }
}

describe('README', () => {
  it('its ts snippets are exactly the three example files, in order', () => {
    expect(blocks.slice(0, 3)).toEqual([
      file('./readme-example.ts'),
      file('./readme-custom-root.ts'),
      file('./readme-implicit-gradient.ts'),
    ]);
  });

  it('the BO-MRL snippet runs: a full-length meta-gradient, a stationary lower level, no warnings', async () => {
    const [length, thetaLength, lowerLevel, warnings] = (await printed(
      () => import('./readme-example'),
    )) as [number, number, { relativeGradNorm: number; gradNorm: number }, string[]];
    expect(length).toBe(2 * 8 + 8 + 8 + 1 + 1); // the 2-8-1 MLP's weights and biases + log-std
    expect(thetaLength).toBe(length);
    expect(lowerLevel.relativeGradNorm).toBeLessThan(1e-3);
    expect(warnings).toEqual([]);
  }, 120_000);

  it('the customRoot snippet prints d loss / d lambda equal to its closed form (1e-4)', async () => {
    const [gradient, closedForm] = (await printed(() => import('./readme-custom-root'))) as [
      number,
      number,
    ];
    // 500 gradient-descent steps leave theta* ~1e-7 from the optimum in float32: 1e-4 is the
    // acceptance bound of the issue, far below any error a wrong term would make
    expect(Math.abs(gradient - closedForm) / Math.abs(closedForm)).toBeLessThan(1e-4);
  });

  it('the implicitGradient snippet prints the exact implicit gradient', async () => {
    const [gradient, iterations, warnings] = (await printed(
      () => import('./readme-implicit-gradient'),
    )) as [number[], number, string[]];
    const exact = [0.5, 1, 2].map((phi, i) => (Math.log(phi) - [1, 0, -1][i]!) / phi);
    gradient.forEach((g, i) => expect(g).toBeCloseTo(exact[i]!, 5));
    expect(iterations).toBeLessThanOrEqual(3);
    expect(warnings).toEqual([]);
  });
});
