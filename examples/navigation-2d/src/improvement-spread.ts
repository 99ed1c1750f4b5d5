/**
 * Seed-to-seed spread of the post-update improvement of a small 2D-navigation run, the numbers
 * behind the margin of test/improvement.test.ts: for each config and seed, trains with the
 * test's small sizes and prints (mean post-update return of the last K iterations) - (mean of the
 * first K), then the mean and standard deviation of that improvement over the seeds.
 * Usage: pnpm exec tsx src/improvement-spread.ts [--seeds 5] [configs...]   (default: promp, e-maml)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfigFile, train } from '@bomrl/trainer';
import { IMPROVEMENT_RUN, improvement } from './improvement';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { seeds: { type: 'string', default: '5' } },
});
const names = positionals.length ? positionals : ['promp', 'e-maml'];
const seeds = Number(args.seeds);
for (const name of names) {
  const gains: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const config = loadConfigFile(path.join(here, '..', 'configs', `${name}.yaml`), [
      ...IMPROVEMENT_RUN.overrides,
      `seed=${seed}`,
    ]);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `bomrl-spread-${name}-`));
    const started = Date.now();
    await train(config, { out: path.join(out, 'run') });
    const g = improvement(path.join(out, 'run'));
    gains.push(g.gain);
    console.log(
      `${name} seed ${seed}: first ${g.first.toFixed(3)} last ${g.last.toFixed(3)} gain ${g.gain.toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    fs.rmSync(out, { recursive: true, force: true });
  }
  const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
  const sd = Math.sqrt(gains.reduce((a, b) => a + (b - mean) ** 2, 0) / (gains.length - 1));
  console.log(`${name}: gain mean ${mean.toFixed(3)} sd ${sd.toFixed(3)} over ${seeds} seeds`);
}
