import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('README', () => {
  it('opens with a js snippet that runs (imported verbatim via virtual:readme-snippet)', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme.indexOf('```js')).toBeLessThan(readme.indexOf('## '));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    // @ts-expect-error: a virtual module served by vitest.config.ts, it has no type declarations
    await import('virtual:readme-snippet');
    const printed = log.mock.calls.flat().join(' ');
    log.mockRestore();
    expect(printed).toMatch(/reloaded gaussian-mlp exactly: true/);
    expect(printed).toMatch(/\|Hv\| \d\.\d{3}e[-+]\d+/);
  });
});
