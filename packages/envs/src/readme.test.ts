import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'bomrl-envs-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The README's first ```ts block. */
function readmeSnippet(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no ```ts block');
  return match[1];
}

describe('README', () => {
  it('opens with a snippet that runs as written (against the sources)', async () => {
    const source = readmeSnippet()
      .replaceAll("'@bomrl/envs/tabular'", JSON.stringify(join(root, 'src/tabular/index.ts')))
      .replaceAll("'@bomrl/envs'", JSON.stringify(join(root, 'src/index.ts')));
    expect(source).not.toContain('@bomrl/');
    const file = join(dir, 'snippet.ts');
    writeFileSync(file, source);
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      log.mockRestore();
    }
    const text = lines.join('\n');
    expect(text).toMatch(/24 train \/ 6 test tasks/);
    const jStar = Number(/J\* = (-?[\d.]+)/.exec(text)?.[1]);
    const jUniform = Number(/J\(uniform\) = (-?[\d.]+)/.exec(text)?.[1]);
    const mc = Number(/Monte Carlo J\(uniform\) = (-?[\d.]+)/.exec(text)?.[1]);
    expect(jStar).toBeGreaterThan(jUniform);
    expect(Math.abs(mc - jUniform)).toBeLessThan(0.1);
  });
});
