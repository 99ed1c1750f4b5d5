import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bomrl, hasStackTrace, NAV, read, TINY, tempDir, writeConfig } from './harness';

/**
 * Numeric faults: settings that make the numbers blow up stop the run with a message naming
 * the setting, before a bad checkpoint is written; the run is marked failed.
 */
const tmp = tempDir('numeric');
const tiny = writeConfig(tmp, 'tiny.json', TINY);
const bomrlExact = writeConfig(tmp, 'bomrl.json', {
  ...TINY,
  method: { kind: 'bomrl', alg: 'reverse-kl', lambda: 5 },
});
const nav = writeConfig(tmp, 'nav.json', NAV);

const FAULTS: readonly [string, string, string][] = [
  ['meta.lr', tiny, 'meta.lr=1e6'],
  ['method.lambda', bomrlExact, 'method.lambda=1e-12'],
  ['policy.logStdInit', nav, 'policy.logStdInit=1000'],
  ['policy.initLogit', tiny, 'policy.initLogit=1e300'],
];

const finite = (phi: unknown) =>
  Array.isArray(phi) && phi.every((x) => typeof x === 'number' && Number.isFinite(x));

describe('numeric faults', () => {
  it.each(FAULTS)(
    '%s: the message names it; the run is failed; no bad checkpoint',
    async (field, config, set) => {
      const out = path.join(tmp, field);
      const r = await bomrl(['train', config, '--out', out, '--set', set]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(field);
      expect(r.stderr).toMatch(/stopped before writing a bad checkpoint/);
      expect(hasStackTrace(r.stderr)).toBe(false);
      const info = JSON.parse(read(out, 'run.json'));
      expect(info.status).toBe('failed');
      expect(info.error).toContain(field);
      const ckptFile = path.join(out, 'checkpoints/latest.json');
      // a checkpoint, where one was written, holds only finite, bounded numbers
      if (fs.existsSync(ckptFile)) {
        const ckpt = JSON.parse(fs.readFileSync(ckptFile, 'utf8'));
        expect(finite(ckpt.phi)).toBe(true);
        expect(Math.max(...ckpt.phi.map(Math.abs))).toBeLessThan(1e5);
      }
    },
  );

  it('a fault after good iterations keeps the last good checkpoint byte for byte', async () => {
    const out = path.join(tmp, 'after-good');
    const good = await bomrl(['train', tiny, '--out', out, '--set', 'meta.iterations=10']);
    expect(good.code, good.stderr).toBe(0);
    const checkpoint = read(out, 'checkpoints/latest.json');
    const metrics = read(out, 'metrics.jsonl');
    const bad = await bomrl([
      'train',
      tiny,
      '--out',
      out,
      '--resume',
      '--accept-config-change',
      '--set',
      'meta.lr=1e6',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/iteration 10: .*diverged.*lower meta\.lr/);
    expect(read(out, 'checkpoints/latest.json')).toBe(checkpoint);
    expect(read(out, 'metrics.jsonl')).toBe(metrics);
    expect(JSON.parse(read(out, 'run.json')).status).toBe('failed');
  });
});
