import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// The README's opening snippet IS src/readme-example.ts: this test checks that they are
// identical, then runs the file and checks what it prints against the closed form.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');

describe('README', () => {
  it('opens with exactly src/readme-example.ts', () => {
    const firstBlock = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(firstBlock).toBe(example);
  });

  it('the snippet runs and prints the exact implicit gradient', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('./readme-example');
    const [gradient, iterations, warnings] = log.mock.calls[0] as [number[], number, string[]];
    log.mockRestore();
    const exact = [0.5, 1, 2].map((phi, i) => (Math.log(phi) - [1, 0, -1][i]!) / phi);
    gradient.forEach((g, i) => expect(g).toBeCloseTo(exact[i]!, 5));
    expect(iterations).toBeLessThanOrEqual(3);
    expect(warnings).toEqual([]);
  });
});
