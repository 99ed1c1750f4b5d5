/**
 * Meta-training for the example: @bomrl/trainer's train() (checkpoints, metrics.jsonl,
 * policy.json, resume) into a fresh run directory; returns phi (float64, from the checkpoint)
 * and the metrics rows.
 */
import fs from 'node:fs';
import { RUN_FILES, RunDirectory, readCheckpoint, resolveConfig, train } from '@bomrl/trainer';

/** Meta-trains one config into `out` (replaced if it exists). */
export async function metaTrain(configInput, out, { log = () => {}, every = 25 } = {}) {
  const config = resolveConfig(configInput);
  fs.rmSync(out, { recursive: true, force: true });
  const result = await train(config, {
    out,
    log,
    onProgress: ({ done, total, metrics }) => {
      if (done % every === 0 || done === 1 || done === total) {
        log(
          `${config.method.kind} it ${done}/${total}: post-adaptation ${metrics.objective.toFixed(4)}, pre ${metrics.preAdaptationReturn.toFixed(4)}`,
        );
      }
    },
  });
  const run = new RunDirectory(out);
  return {
    phi: Float64Array.from(readCheckpoint(run).phi),
    metrics: run.readMetrics(),
    method: result.method,
    status: result.status,
    config: run.readJson(RUN_FILES.config),
    pipeline: '@bomrl/trainer train()',
  };
}
